-- Revert lokdarpan:analytics/integrity_check from pg

begin;

delete from ops.integrity_check
 where check_name in ('rollups_in_step', 'day_rollups_in_step', 'ward_author_in_step', 'ward_author_day_in_step');
drop function analytics.check_ward_author_day();
drop function analytics.check_ward_author();
drop function analytics.check_day_rollups();
drop function analytics.check_rollups();

commit;
