-- Revert lokdarpan:analytics/ward_window from pg

begin;

drop function analytics.check_days(integer);
drop function analytics.ward_window(text, timestamptz, timestamptz);
drop type analytics.window_stat;

commit;
