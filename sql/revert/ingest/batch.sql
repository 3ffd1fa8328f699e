-- Revert lokdarpan:ingest/batch from pg

begin;

drop table ingest.reject;
drop table ingest.batch;

commit;
