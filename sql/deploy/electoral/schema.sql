-- Deploy lokdarpan:electoral/schema to pg
-- The electoral module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/electoral/.

begin;

create schema electoral;
comment on schema electoral is 'Polling stations, elections, results per station and per ward, ward profiles and features.';

commit;
