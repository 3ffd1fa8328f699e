-- Verify lokdarpan:analytics/ward_window on pg
-- Posts inside whole hours and at both partial edges of a window are all counted, once.

begin;

insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Kapra', 'verify ' || t, 'positive', 'INC', core.post_fingerprint('Kapra', null, t, 'verify ' || t)
  from unnest(array[timestamptz '2026-01-05 10:10+00', '2026-01-05 10:45+00', '2026-01-05 12:40+00',
                    '2026-01-05 13:05+00', '2026-01-05 13:20+00']) t;
select 1 / ((w).posts = 3 and (w).positive = 3 and ((w).parties->'INC'->>'m')::int = 3)::int
  from (select analytics.ward_window('Kapra', '2026-01-05 10:40+00', '2026-01-05 13:10+00') w) s;
select 1 / ((analytics.ward_window('Kapra', '2026-01-05 13:10+00', '2026-01-05 13:00+00')).posts = 0)::int;
do $$
begin
    perform analytics.check_days(0);
    raise exception 'check_days accepted 0';
exception when invalid_parameter_value then
    null;
end
$$;

rollback;
