-- Revert lokdarpan:analytics/ward_author from pg

begin;

drop function analytics.ward_author_day_drift();
drop function analytics.ward_author_day_drift(date);
drop function analytics.ward_author_drift();
drop function analytics.ward_author_drift(timestamptz);
drop function analytics.window_authors(text, timestamptz, timestamptz);
drop trigger tg_post__ward_author_truncate on core.post;
drop trigger tg_post__ward_author_delete on core.post;
drop trigger tg_post__ward_author_update on core.post;
drop trigger tg_post__ward_author_insert on core.post;
drop function analytics.tg_post__ward_author_truncate();
drop function analytics.tg_post__ward_author_change();
drop function analytics.tg_post__ward_author_insert();
drop table analytics.ward_author_day;
drop table analytics.ward_author;

commit;
