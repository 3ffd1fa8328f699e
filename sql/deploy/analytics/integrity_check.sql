-- Deploy lokdarpan:analytics/integrity_check to pg
-- requires: analytics/rollup
-- requires: analytics/ward_author
-- requires: ops/integrity_check
-- The analytics tables are derived from core.post and the ward functions trust them, so four
-- checks behind ops.validate_data_integrity() (and `lokdarpan-db health`) compare them with a
-- recomputation over the last 7 days: hour rollups against core.post (rollups_in_step), day
-- rollups against their hours (day_rollups_in_step), each active author's newest post per ward
-- (ward_author_in_step) and the day histogram of ward_author (ward_author_day_in_step). Each
-- counts the rows of a bounded drift function, so a check reads only the window.

begin;

create function analytics.check_rollups()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when count(*) = 0 then 'PASS' else 'FAIL' end, count(*),
           case when count(*) = 0 then 'hour rollups of the last 7 days equal a recomputation from core.post'
                else 'hour rollups disagree with core.post in ' || count(*) || ' ward-hours of the last 7 days '
                     || '(repair: select analytics.recompute_hours(...) for them)' end
      from analytics.rollup_drift(now() - interval '7 days', 'infinity')
$$;
comment on function analytics.check_rollups() is
    'Integrity check "rollups_in_step": compares the hour rollups of the last 7 days with a '
    'recomputation from core.post (scans those posts).';

create function analytics.check_day_rollups()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when d.n = 0 then 'PASS' else 'FAIL' end, d.n,
           case when d.n = 0 then 'day rollups of the last 7 days equal the sums of their hour rollups'
                else 'day rollups disagree with their hour rollups in ' || d.n || ' rows of the last 7 '
                     || 'days (list: analytics.day_rollup_drift(); repair: analytics.recompute_days(...))' end
      from (select count(*) as n from analytics.day_rollup_drift(analytics.ist_day(now()) - 7)) d
$$;
comment on function analytics.check_day_rollups() is
    'Integrity check "day_rollups_in_step": analytics.day_rollup_drift() over the last 7 IST days '
    '(reads those hour rows).';

create function analytics.check_ward_author()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when d.n = 0 then 'PASS' else 'FAIL' end, d.n,
           case when d.n = 0 then 'ward_author agrees with core.post for every author active in the last 7 days'
                else 'ward_author disagrees with core.post for ' || d.n || ' (ward, author) pairs active in '
                     || 'the last 7 days (list: analytics.ward_author_drift())' end
      from (select count(*) as n from analytics.ward_author_drift(now() - interval '7 days')) d
$$;
comment on function analytics.check_ward_author() is
    'Integrity check "ward_author_in_step": analytics.ward_author_drift() over the (ward, author) '
    'pairs with a post or a kept newest post time in the last 7 days.';

create function analytics.check_ward_author_day()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when d.n = 0 then 'PASS' else 'FAIL' end, d.n,
           case when d.n = 0 then 'ward_author_day counts the authors of ward_author per day (last 7 days)'
                else 'ward_author_day disagrees with ward_author on ' || d.n || ' ward days of the last 7 '
                     || '(list: analytics.ward_author_day_drift())' end
      from (select count(*) as n from analytics.ward_author_day_drift(analytics.ist_day(now()) - 7)) d
$$;
comment on function analytics.check_ward_author_day() is
    'Integrity check "ward_author_day_in_step": analytics.ward_author_day_drift() over the last 7 IST days.';

insert into ops.integrity_check (check_name, check_function, description)
values ('rollups_in_step', 'analytics.check_rollups',
        'analytics hour rollups equal a recomputation from core.post (last 7 days)');

insert into ops.integrity_check (check_name, check_function, description) values
    ('day_rollups_in_step', 'analytics.check_day_rollups',
     'analytics day rollups equal the sums of their hour rollups (last 7 days)'),
    ('ward_author_in_step', 'analytics.check_ward_author',
     'analytics.ward_author holds each active author''s newest post per ward (last 7 days)');

insert into ops.integrity_check (check_name, check_function, description) values
    ('ward_author_day_in_step', 'analytics.check_ward_author_day',
     'analytics.ward_author_day counts each ward''s authors by the day of their newest post (last 7 days)');

commit;
