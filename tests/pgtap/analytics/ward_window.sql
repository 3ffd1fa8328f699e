-- Behaviour of analytics/ward_window (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Posts inside whole hours and at both partial edges of a window are all counted, once
-- (as a difference, so the verify holds on a database with data).

begin;
select plan(3);

create temp table verify_before on commit drop as
select analytics.ward_window('Kapra', '2026-01-05 10:40+00', '2026-01-05 13:10+00') as w;
insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Kapra', 'verify ' || t || txid_current(), 'positive', 'INC',
       core.post_fingerprint('Kapra', null, t, 'verify ' || t || txid_current())
  from unnest(array[timestamptz '2026-01-05 10:10+00', '2026-01-05 10:45+00', '2026-01-05 12:40+00',
                    '2026-01-05 13:05+00', '2026-01-05 13:20+00']) t;
select ok((n.w).posts = (b.w).posts + 3 and (n.w).positive = (b.w).positive + 3
            and coalesce(((n.w).parties->'INC'->>'m')::int, 0) = coalesce(((b.w).parties->'INC'->>'m')::int, 0) + 3, 'analytics/ward_window: check 1')
  from verify_before b,
       (select analytics.ward_window('Kapra', '2026-01-05 10:40+00', '2026-01-05 13:10+00') as w) n;
select ok((analytics.ward_window('Kapra', '2026-01-05 13:10+00', '2026-01-05 13:00+00')).posts = 0, 'analytics/ward_window: check 2');
select lives_ok($tap$
do $$
begin
    perform analytics.check_days(0);
    raise exception 'check_days accepted 0';
exception when invalid_parameter_value then
    null;
end
$$;
$tap$, 'analytics/ward_window: check 3');

select * from finish();
rollback;
