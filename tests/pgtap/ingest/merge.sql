-- Behaviour of ingest/merge (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Stages three lines (one good, one repeated, one for an unknown ward) and merges them.

begin;
select plan(6);

insert into ingest.batch (batch_id, kind, source_file, source_sha256, first_line, last_line, lines_read)
overriding system value
values (-1, 'posts', 'verify', repeat('0', 64), 1, 3, 3);
insert into ingest.staging_post (batch_id, line_no, text, author_name, city, emotion, party, created_at)
values (-1, 1, 'verify water supply', 'verifier', ' jubilee HILLS ', 'Hopeful', 'trs', now()),
       (-1, 2, 'verify water supply', 'verifier', 'Jubilee Hills', 'Hopeful', 'trs', now()),
       (-1, 3, 'verify', 'verifier', 'Atlantis', null, null, now());
create temp table verify_rejects on commit drop as select * from ingest.merge_post_batch(-1);
select ok(count(*) = 1 and min(reason_code) = 'unknown_ward', 'ingest/merge: check 1') from verify_rejects;
select ok(count(*) > 0, 'ingest/merge: check 2') from core.post
 where batch_id = -1 and city = 'Jubilee Hills' and emotion = 'positive' and party = 'BRS'
   and emotion_raw = 'Hopeful' and party_raw = 'trs';
select ok(inserted = 1 and duplicates = 1, 'ingest/merge: check 3') from ingest.batch where batch_id = -1;
select ok(count(*) = 0, 'ingest/merge: check 4') from ingest.staging_post where batch_id = -1;
insert into ingest.batch (batch_id, kind, source_file, source_sha256, first_line, last_line, lines_read)
overriding system value
values (-2, 'epapers', 'verify', repeat('0', 64), 1, 2, 2);
insert into ingest.staging_epaper (batch_id, line_no, publication_name, publication_date, raw_text)
values (-2, 1, 'Verify Times', current_date, E'edition \\ one'), (-2, 2, 'Verify Times', current_date, E'edition \\ one');
select ok(count(*) = 0, 'ingest/merge: check 5') from ingest.merge_epaper_batch(-2);
select ok(inserted = 1 and duplicates = 1, 'ingest/merge: check 6') from ingest.batch where batch_id = -2;

select * from finish();
rollback;
