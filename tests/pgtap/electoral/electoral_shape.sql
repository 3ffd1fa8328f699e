-- pgTAP: shape of the electoral module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(33);

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

-- module-wide rules (comments, primary keys, pinned search_path, indexed foreign keys,
-- ward columns referencing core.ward, jsonb/timestamptz) are checked for every schema at once
-- by tests/pgtap/style/style.sql

select * from finish();
rollback;
