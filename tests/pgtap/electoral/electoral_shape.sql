-- pgTAP: shape of the electoral module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(40);

select has_table('electoral', t, 'table electoral.' || t) from unnest(array['election', 'polling_station',
    'result_ps_total', 'result_ps', 'result_ward_agg', 'ward_profile', 'ward_demographics', 'ward_features']) t;
select col_is_unique('electoral', 'polling_station', array['form20_id']::name[], 'Form-20 id is unique');
select col_is_unique('electoral', 'election', array['election_type', 'election_year', 'election_round']::name[],
                     'one election per type, year and round');
select col_is_pk('electoral', 'result_ps', array['election_id', 'polling_station_id', 'party']::name[], 'primary key of ' || 'electoral' || '.' || 'result_ps');
select col_is_pk('electoral', 'result_ward_agg', array['election_id', 'ward_name', 'party']::name[], 'primary key of ' || 'electoral' || '.' || 'result_ward_agg');
select fk_ok('electoral', 'polling_station', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('electoral', 'result_ps', 'party', 'core', 'party', 'party');
select fk_ok('electoral', 'result_ps', array['election_id', 'polling_station_id']::name[],
             'electoral', 'result_ps_total', array['election_id', 'polling_station_id']::name[]);
select fk_ok('electoral', 'result_ward_agg', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('electoral', 'ward_profile', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('electoral', 'ward_demographics', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('electoral', 'ward_features', 'ward_name', 'core', 'ward', 'ward_name');
select col_type_is('electoral', 'ward_features', 'party_shares', 'jsonb', 'ward_features' || '.' || 'party_shares' || ' is ' || 'jsonb');
select has_check('electoral', 'election', 'election type vocabulary');
select has_check('electoral', 'ward_demographics', 'percentages are checked');
select cmp_ok((select count(*)::int from information_schema.columns
                where table_schema = 'electoral' and table_name = 'ward_demographics'
                  and (column_name like '%\_pct' or column_name like '%\_idx')), '>=', 20,
              'the seed indices and the extended indicators are there');
select has_index('electoral', 'polling_station', 'ix_polling_station__ward_name', array['ward_name']::name[]);
select has_index('electoral', 'result_ward_agg', 'ix_result_ward_agg__ward_name__election_id',
                 array['ward_name', 'election_id']::name[]);
select has_trigger('electoral', 'result_ps', 'tg_result_ps__check_valid_votes', 'valid votes checked at commit');
select is((select tgdeferrable and tginitdeferred from pg_trigger
            where tgname = 'tg_result_ps__check_valid_votes'), true, 'the valid-votes trigger is deferred');
select function_returns('electoral', 'aggregate_ward_results', array['bigint'], 'bigint');
select volatility_is('electoral', 'aggregate_ward_results', array['bigint'], 'volatile');
select function_returns('electoral', 'refresh_ward_profile', array['bigint'], 'bigint');
select throws_ok($$insert into electoral.election (election_type, election_year) values ('Mayor', 2020)$$,
                 '23514', null, 'election types are GHMC, ASSEMBLY, LOKSABHA');
select throws_ok($$select electoral.aggregate_ward_results(-42)$$, 'P0002', null, 'unknown election');
select col_type_is('electoral', 'ward_profile', 'updated_at', 'timestamp with time zone', 'ward_profile' || '.' || 'updated_at' || ' is ' || 'timestamp with time zone');

-- module-wide rules (same block in every domain module file)
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'electoral' and c.relkind in ('r', 'p', 'v') and not c.relispartition
              and obj_description(c.oid, 'pg_class') is null), 0, 'every electoral table and view has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'electoral' and obj_description(p.oid, 'pg_proc') is null), 0,
          'every electoral function has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'electoral'
              and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')), 0,
          'every electoral function pins search_path');
select is((select count(*)::int from pg_constraint k join pg_namespace n on n.oid = k.connamespace
            where n.nspname = 'electoral' and k.contype = 'f' and k.conparentid = 0
              and not exists (select 1 from pg_index i
                               where i.indrelid = k.conrelid
                                 and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                                 and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)), 0,
          'every electoral foreign key has an index leading with its columns');
select is((select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'electoral' and c.relkind in ('r', 'p') and not c.relispartition
              and a.attname = 'ward_name' and not a.attisdropped
              and not exists (select 1 from pg_constraint k
                               where k.conrelid = c.oid and k.contype = 'f'
                                 and k.confrelid = 'core.ward'::regclass and k.conkey = array[a.attnum])), 0,
          'every electoral ward_name column references core.ward');
select is((select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'electoral' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
              and a.atttypid in ('json'::regtype, 'timestamp'::regtype, 'character varying'::regtype)), 0,
          'electoral uses jsonb, timestamptz and text (no json, timestamp or varchar)');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'electoral' and c.relkind in ('r', 'p') and not c.relispartition
              and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')), 0,
          'every electoral table has a primary key');

select * from finish();
rollback;
