-- Verify lokdarpan:ingest/staging on pg

begin;

select 1 / (count(*) = 2)::int from pg_catalog.pg_class
 where oid in ('ingest.staging_post'::regclass, 'ingest.staging_epaper'::regclass) and relpersistence = 'u';
select batch_id, line_no, text, author_name, city, emotion, party, created_at, epaper_id,
       fingerprint
  from ingest.staging_post where false;
select batch_id, line_no, publication_name, publication_date, raw_text, city, party
  from ingest.staging_epaper where false;

rollback;
