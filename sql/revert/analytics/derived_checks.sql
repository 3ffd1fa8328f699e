-- Revert lokdarpan:analytics/derived_checks from pg

begin;

delete from ops.integrity_check where check_name in ('day_rollups_in_step', 'ward_author_in_step');
drop function analytics.check_ward_author();
drop function analytics.check_day_rollups();

commit;
