-- Deploy lokdarpan:ingest/schema to pg
-- The ingest module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/ingest/.

begin;

create schema ingest;
comment on schema ingest is 'Bulk ingestion: staging, batch registry, quarantine of rejected lines, set-based merge functions.';

commit;
