-- Behaviour of ingest/staging (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

select ok(count(*) = 2, 'ingest/staging: check 1') from pg_catalog.pg_class
 where oid in ('ingest.staging_post'::regclass, 'ingest.staging_epaper'::regclass) and relpersistence = 'u';
select batch_id, line_no, text, author_name, city, emotion, party, created_at, epaper_id,
       fingerprint
  from ingest.staging_post where false;
select batch_id, line_no, publication_name, publication_date, raw_text, city, party
  from ingest.staging_epaper where false;

select * from finish();
rollback;
