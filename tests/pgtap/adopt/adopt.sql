-- Behaviour of the adopt module: ward labels, list parsing, capture, a resumable batched
-- backfill into core (ids kept, messy rows quarantined with their reason), apply of captured
-- writes, and differences. A tiny legacy schema is built inside the transaction.

begin;
select plan(28);

-- adopt/ward_alias
select is(adopt.ward_for('Ward 95'), 'Jubilee Hills', 'ward_for: seeded alias Ward 95');
select is(adopt.ward_for('95 - Jubilee Hills'), 'Jubilee Hills', 'ward_for: GeoJSON label');
select is(adopt.ward_for('Himayatnagar'), 'Himayath Nagar', 'ward_for: spelling alias');
select is(adopt.ward_for('Dr. A.S. Rao Nagar'), 'Dr A S Rao Nagar', 'ward_for: dots read as spaces');
select is(adopt.ward_for('  jubilee   HILLS '), 'Jubilee Hills', 'ward_for: case and blanks');
select is(adopt.ward_for('Hyderabad'), null, 'ward_for: the city is no ward');
select is(adopt.ward_for(null), null, 'ward_for: NULL');
select throws_ok($$insert into adopt.ward_alias (alias, ward_name) values ('ward   95', 'Kapra')$$, '23505',
                 null, 'ward_alias: one alias per key (case and blanks ignored)');

-- adopt/sync helpers
select is(adopt.text_to_jsonb_array('["a", 1]'), '["a", 1]'::jsonb, 'text_to_jsonb_array: a JSON array');
select is(adopt.text_to_jsonb_array(E'x\n y \n'), '["x", "y"]'::jsonb, 'text_to_jsonb_array: lines');
select is(adopt.text_to_jsonb_array('not json ['), '["not json ["]'::jsonb, 'text_to_jsonb_array: broken JSON is a line');

-- a tiny legacy database
create schema legacy_t;
create table legacy_t.author (id serial primary key, name varchar(120) not null unique, party varchar(64));
create table legacy_t.post (id serial primary key, text text not null, author_id integer references legacy_t.author (id),
                            city varchar(120), emotion varchar(64), party varchar(64), created_at timestamp not null,
                            epaper_id integer);
insert into legacy_t.author (name, party) values ('A One', 'BJP');
insert into legacy_t.post (text, author_id, city, emotion, party, created_at) values
    ('one', 1, 'Ward 95', 'Hopeful', 'TRS', '2024-05-01 00:00'),
    ('two', 1, 'Hyderabad', null, null, '2024-05-01 01:00'),
    ('three', 1, 'Kapra', 'anger', 'Congress', '2024-05-01 02:00'),
    ('three', 1, 'Kapra', 'anger', 'Congress', '2024-05-01 02:00'),
    ('five', 1, 'Nowhere', null, null, '2024-05-01 04:00');

select ok(adopt.install_capture('legacy_t', 'author', 'Asia/Kolkata', 2::smallint), 'install_capture: author');
select ok(adopt.install_capture('legacy_t', 'post', 'Asia/Kolkata', 4::smallint), 'install_capture: post');
select ok(not adopt.install_capture('legacy_t', 'post', 'Asia/Kolkata', 4::smallint), 'install_capture: idempotent');

select is((select n_adopted from adopt.backfill_batch('author', 10)), 1, 'backfill: the author');
select is((select row(n_rows, n_adopted, n_quarantined, last_id)::text from adopt.backfill_batch('post', 3)),
          '(3,2,1,3)', 'backfill: first batch of 3');
select is((select phase from adopt.table_state where legacy_table = 'post'), 'backfilling', 'backfill: not done yet');
select is((select row(n_rows, n_adopted, n_quarantined, last_id)::text from adopt.backfill_batch('post', 3)),
          '(2,1,1,5)', 'backfill: a short batch ends it');

select is((select string_agg(legacy_id || ':' || reason, ',' order by legacy_id) from adopt.quarantine
            where legacy_table = 'post'), '2:no_ward,5:unknown_ward', 'quarantine: city-wide and unknown wards, by id');
select is((select row(post_id, city, emotion, emotion_raw, party, party_raw, created_at = '2024-04-30 18:30+00')::text
             from core.post where post_id = 1), '(1,"Jubilee Hills",positive,Hopeful,BRS,TRS,t)',
          'post 1 adopted: id kept, ward resolved, labels normalised and kept raw, naive time read in Asia/Kolkata');
select is((select duplicate_of from adopt.mapping where legacy_table = 'post' and legacy_id = 4), 3::bigint,
          'the duplicate post keeps its id and records what it duplicates');

-- captured writes reach core when applied
update legacy_t.post set city = 'Kapra' where id = 2;
delete from legacy_t.post where id = 1;
select is((select count(*)::int from adopt.capture), 2, 'capture: one entry per write');
select is((select count(*)::int from adopt.differences('post')), 0, 'differences: pending ids are not differences');
select adopt.apply_capture(100);
select is((select string_agg(legacy_id::text, ',' order by legacy_id) from adopt.mapping where legacy_table = 'post'),
          '2,3,4', 'apply: the deleted post is gone, the fixed one adopted');

-- adopt/apply_table: one table's backlog per call, the others' left to their own calls
update legacy_t.post set city = 'Jubilee Hills' where id = 2;
update legacy_t.author set name = name where id = (select min(id) from legacy_t.author);
select is((select string_agg(legacy_table || ':' || n_ids || ':' || n_entries, ',')
             from adopt.apply_capture_table('post', 100)), 'post:1:1', 'apply_capture_table: the post entry applied');
select is((select string_agg(legacy_table, ',') from adopt.capture), 'author',
          'apply_capture_table: the author entry left for its own call');
select is((select city from core.post where post_id = 2), 'Jubilee Hills', 'apply_capture_table: the post as written');
select throws_ok($$select * from adopt.apply_capture_table('nonesuch', 10)$$, '55000', null,
                 'apply_capture_table: a table without capture is refused');

select * from finish();
rollback;
