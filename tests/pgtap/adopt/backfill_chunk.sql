-- adopt/backfill_chunk: a table's ids cut into chunks, each copied batch by batch in key order,
-- the table synced by the call that finds every chunk done; refusals. A tiny legacy schema is
-- built inside the transaction.

begin;
select plan(12);

create schema legacy_c;
create table legacy_c.post (id serial primary key, text text not null, author_id integer, city varchar(120),
                            emotion varchar(64), party varchar(64), created_at timestamp not null, epaper_id integer);
insert into legacy_c.post (text, city, emotion, party, created_at)
select 'post ' || g, (array['Kapra', 'Ward 95', 'Hyderabad'])[1 + g % 3], 'Hopeful', 'TRS',
       timestamp '2024-05-01' + g * interval '1 hour'
  from generate_series(1, 10) g;

select throws_ok($$select adopt.plan_backfill_chunks('post', 2)$$, '55000', null,
                 'plan_backfill_chunks: refused before capture is installed');
select ok(adopt.install_capture('legacy_c', 'post', 'UTC', 4::smallint), 'install_capture: post');
select throws_ok($$select adopt.plan_backfill_chunks('author', 2)$$, '22023', null,
                 'plan_backfill_chunks: authors are copied on one connection');
select is(adopt.plan_backfill_chunks('post', 3), 3, 'plan_backfill_chunks: three chunks');
select results_eq($$select lo, hi from adopt.backfill_chunk order by chunk_no$$,
                  $$values (0::bigint, 3::bigint), (3, 6), (6, 10)$$, 'the chunks cover ids 1..10 contiguously');
select is(adopt.plan_backfill_chunks('post', 5), 3, 'plan_backfill_chunks: a second plan keeps the chunks');

select results_eq($$select chunk_no, n_rows, last_id, chunks_left from adopt.backfill_chunk_batch('post', 2)$$,
                  $$values (1, 2, 2::bigint, 3)$$, 'first batch: chunk 1, ids 1-2');
select results_eq($$select chunk_no, n_rows, last_id, chunks_left from adopt.backfill_chunk_batch('post', 2)$$,
                  $$values (1, 1, 3::bigint, 2)$$, 'second batch: the rest of chunk 1, which is done');
select lives_ok($$select adopt.backfill_chunk_batch('post', 100) from generate_series(1, 2)$$, 'chunks 2 and 3');
select results_eq($$select chunk_no, n_rows, chunks_left from adopt.backfill_chunk_batch('post', 100)$$,
                  $$values (null::integer, 0, 0)$$, 'nothing left to claim');
select results_eq($$select phase, position, (select count(*) from adopt.backfill_chunk)
                     from adopt.table_state where legacy_table = 'post'$$,
                  $$values ('synced'::text, 10::bigint, 0::bigint)$$, 'synced up to backfill_until, chunks deleted');
select is((select count(*) from adopt.mapping where legacy_table = 'post')
          + (select count(*) from adopt.quarantine where legacy_table = 'post'), 10::bigint,
          'every legacy post adopted or quarantined once');

select * from finish();
rollback;
