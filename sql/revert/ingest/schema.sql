-- Revert lokdarpan:ingest/schema from pg

begin;

drop schema ingest;

commit;
