-- Revert lokdarpan:analytics/rollup from pg

begin;

drop function analytics.day_rollup_drift();
drop function analytics.day_rollup_drift(date);
drop function analytics.rollup_drift(timestamptz, timestamptz);
drop trigger tg_post__rollup_truncate on core.post;
drop trigger tg_post__rollup_delete on core.post;
drop trigger tg_post__rollup_update on core.post;
drop trigger tg_post__rollup_insert on core.post;
drop function analytics.tg_post__rollup_truncate();
drop function analytics.tg_post__rollup_change();
drop function analytics.tg_post__rollup_insert();
drop function analytics.recompute_hours(jsonb);
drop function analytics.recompute_days(jsonb);
drop table analytics.ward_day_party;
drop table analytics.ward_day;
drop table analytics.ward_hour_party;
drop table analytics.ward_hour;
drop function analytics.ist_day_start(date);
drop function analytics.ist_day(timestamptz);
drop function analytics.bucket_start(timestamptz);

commit;
