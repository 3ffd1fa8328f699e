-- pgTAP: ingest module shape (staging unlogged, registry and quarantine constraints).
begin;
select plan(9);

select has_table('ingest', 'batch', 'batch registry');
select has_table('ingest', 'reject', 'reject quarantine');
select is((select relpersistence::text from pg_class where oid = 'ingest.staging_post'::regclass), 'u',
          'post staging is unlogged');
select is((select relpersistence::text from pg_class where oid = 'ingest.staging_epaper'::regclass), 'u',
          'e-paper staging is unlogged');
select fk_ok('ingest', 'reject', 'batch_id', 'ingest', 'batch', 'batch_id');
select throws_ok($$insert into ingest.batch (kind, source_file, source_sha256, first_line, last_line, lines_read,
                                            inserted, status)
                   values ('posts', 'x', repeat('a', 64), 1, 2, 2, 1, 'committed')$$,
                 '23514', null, 'a committed batch must account for every line');
select throws_ok($$insert into ingest.batch (kind, source_file, source_sha256, first_line, last_line)
                   values ('tweets', 'x', repeat('a', 64), 1, 0)$$, '23514', null, 'unknown kind refused');
select volatility_is('ingest', 'merge_post_batch', array['bigint', 'timestamp with time zone'], 'volatile');
select isnt(obj_description('ingest.merge_post_batch(bigint, timestamptz)'::regprocedure, 'pg_proc'), null,
            'merge function is documented');

select * from finish();
rollback;
