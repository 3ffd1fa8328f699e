-- Deploy lokdarpan:pulse/schema to pg
-- The pulse module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/pulse/.

begin;

create schema pulse;
comment on schema pulse is 'Ward sentiment time series, momentum indicators, snapshots and the issue tracker.';

commit;
