-- Deploy lokdarpan:adopt/schema to pg
-- Adoption of a live LokDarpan application database (tables in public): the adopt module is
-- a PostgreSQL schema of the same name holding the capture log, id mappings, quarantine, ward
-- aliases and the backfill, apply and verification functions (docs/adopt.md).

begin;

create schema adopt;
comment on schema adopt is
    'Adoption of a live legacy LokDarpan database: change capture, legacy id -> core id mappings, '
    'quarantine, ward aliases, set-based backfill/apply and verification (docs/adopt.md).';

commit;
