-- pgTAP: shape of the core module (tables, partitions, per-partition indexes, constraints,
-- comments, function properties).
begin;
select plan(33);

select has_schema('core');
select has_table('core', 'ward', 'ward registry exists');
select has_table('core', 'post', 'post exists');
select has_table('core', 'post_fingerprint', 'global dedupe table exists');
select is((select count(*)::int from core.ward), 145, '145 wards loaded');
select is((select count(*)::int from core.ward where ward_no = 37), 2, 'ward number 37 appears twice');
select is((select relkind::text from pg_class where oid = 'core.post'::regclass), 'p', 'post is partitioned');
select is((select pg_get_partkeydef('core.post'::regclass)), 'RANGE (created_at)', 'partitioned by created_at');
select is((select count(*)::int from core.partitions_of('core.post') where is_default), 1, 'one default partition');
select cmp_ok((select count(*)::int from core.partitions_of('core.post') where not is_default), '>=', 16,
              '12 months behind + current + 3 ahead');
select is((select count(*)::int from core.partitions_of('core.post') p
            where not p.is_default and p.partition_name !~ '^post_p\d{4}_\d{2}$'), 0,
          'partitions are named post_pYYYY_MM');
-- every index of the parent exists on every partition
select is((select count(*)::int
             from core.partitions_of('core.post') p
             cross join (select indexrelid from pg_index where indrelid = 'core.post'::regclass) pi
            where not exists (select 1 from pg_inherits i join pg_index x on x.indexrelid = i.inhrelid
                               where i.inhparent = pi.indexrelid and x.indrelid = p.partition_oid)),
          0, 'every parent index is present on every partition');
select has_index('core', 'post', 'ix_post__city__created_at', array['city', 'created_at']::name[]);
-- party and emotion come from the rollups: core.post has no ward + party / ward + emotion index
select hasnt_index('core', 'post', 'ix_post__city__party__created_at');
select hasnt_index('core', 'post', 'ix_post__city__emotion__created_at');
select has_index('core', 'post', 'ix_post__city__author_id__created_at', array['city', 'author_id', 'created_at']::name[]);
select col_is_pk('core', 'post', array['post_id', 'created_at']::name[], 'post pk includes the partition key');
select col_is_pk('core', 'ward', array['ward_name']::name[], 'ward name is the key');
select has_check('core', 'post', 'post has check constraints');
select throws_ok($$insert into core.post (created_at, city, text, emotion, fingerprint)
                   values (now(), 'Kapra', 'x', 'Hopeful', core.post_fingerprint('Kapra', null, now(), 'x'))$$,
                 '23514', null, 'a non-canonical emotion is refused');
select throws_ok($$insert into core.post (created_at, city, text, party, fingerprint)
                   values (now(), 'Kapra', 'x', 'TRS', core.post_fingerprint('Kapra', null, now(), 'x'))$$,
                 '23514', null, 'a non-canonical party is refused');
select throws_ok($$insert into core.post (created_at, city, text, fingerprint)
                   values (now(), 'Atlantis', 'x', core.post_fingerprint('Atlantis', null, now(), 'x'))$$,
                 '23503', null, 'an unknown ward is refused');
select throws_ok($$insert into core.post (created_at, city, text, fingerprint)
                   values (now(), 'Kapra', 'x', core.post_fingerprint('Kapra', null, now(), 'x')),
                          (now(), 'Atlantis', 'y', core.post_fingerprint('Atlantis', null, now(), 'y')),
                          (now(), 'Lemuria', 'z', core.post_fingerprint('Lemuria', null, now(), 'z'))$$,
                 '23503', 'city ''Atlantis'' of core.post is not a ward (core.ward)',
                 'one bad row among good ones is found and named (the smallest)');
select throws_ok($$insert into core.post (created_at, city, text, author_id, fingerprint)
                   values (now(), 'Kapra', 'x', -42, core.post_fingerprint('Kapra', null, now(), 'x'))$$,
                 '23503', 'author_id -42 of core.post is not in core.author', 'an unknown author is refused');
select throws_ok($$insert into core.post (created_at, city, text, epaper_id, fingerprint)
                   values (now(), 'Kapra', 'x', -7, core.post_fingerprint('Kapra', null, now(), 'x'))$$,
                 '23503', 'epaper_id -7 of core.post is not in core.epaper', 'an unknown e-paper is refused');
select throws_ok($$select core.resolve_ward('Jubile Hils')$$, 'P0002', null, 'unknown ward raises no_data_found');
select is(core.ward_lookup(' JUBILEE  hills '), 'Jubilee Hills', 'lookup ignores case and spaces');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'core' and c.relkind in ('r', 'p') and not c.relispartition
              and obj_description(c.oid, 'pg_class') is null), 0, 'every core table has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'core' and obj_description(p.oid, 'pg_proc') is null), 0,
          'every core function has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'core'
              and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
              -- inlined into its index's expression, so no SET clause: schema-qualified names (style.sql)
              and p.oid is distinct from to_regprocedure('core.ward_terms(text, tsvector)')), 0,
          'every core function pins search_path');
select volatility_is('core', 'ward_lookup', array['text'], 'stable');
select volatility_is('core', 'text_sha256', array['text'], 'immutable');
select is(core.text_sha256(E'a\\b'), sha256('\x615c62'::bytea), 'sha256 of a text with a backslash');

select * from finish();
rollback;
