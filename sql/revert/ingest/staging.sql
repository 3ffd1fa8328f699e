-- Revert lokdarpan:ingest/staging from pg

begin;

drop table ingest.staging_epaper;
drop table ingest.staging_post;

commit;
