-- Revert lokdarpan:analytics/ward_window from pg

begin;

drop function analytics.check_days(integer);
drop function analytics.ward_window(text, timestamptz, timestamptz, boolean, boolean);
drop type analytics.window_stat;

commit;
