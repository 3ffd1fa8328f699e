-- Behaviour of analytics/rollup_covering_keys (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Each rollup table's primary key includes the columns the ward functions read, and a ward's
-- day rows of a window are read from the key alone (an index-only scan in the plan).

begin;
select plan(4);

select ok(count(*) = 5, 'analytics/rollup_covering_keys: check 1') from pg_index x
 where x.indisprimary and x.indnkeyatts < x.indnatts
   and x.indrelid in ('analytics.ward_hour'::regclass, 'analytics.ward_day'::regclass,
                      'analytics.ward_hour_party'::regclass, 'analytics.ward_day_party'::regclass,
                      'analytics.ward_author_day'::regclass);
select ok(count(*) = 2, 'analytics/rollup_covering_keys: check 2') from pg_constraint
 where conname in ('fk_ward_hour_party__ward_hour', 'fk_ward_day_party__ward_day') and contype = 'f';
set local enable_seqscan = off;
set local enable_bitmapscan = off;
create temp table verify_plan (line text) on commit drop;
select lives_ok($tap$
do $$
declare r record;
begin
    for r in execute 'explain select sum(d.posts), sum(d.sentiment_sum) from analytics.ward_day d '
                     'where d.ward_name = ''Kapra'' and d.day >= date ''2026-01-01'' and d.day < date ''2026-02-01'''
    loop
        insert into verify_plan values (r."QUERY PLAN");
    end loop;
end $$;
$tap$, 'analytics/rollup_covering_keys: check 3');
select ok(count(*) > 0, 'analytics/rollup_covering_keys: check 4') from verify_plan where line like '%Index Only Scan using pk_ward_day%';

select * from finish();
rollback;
