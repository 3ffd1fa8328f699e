-- Revert lokdarpan:core/post from pg
-- Partitions detached by retention are plain tables holding data: this revert does not drop
-- them (core/schema's revert then stops on them, which is the point).

begin;

drop function core.create_monthly_post_partition(timestamp);
drop function core.create_monthly_post_partition(timestamptz);
drop function core.create_monthly_post_partition(date);
delete from core.partition_policy where parent_schema = 'core' and parent_table = 'post';
drop trigger tg_epaper__restrict_post_delete on core.epaper;
drop trigger tg_author__restrict_post_delete on core.author;
drop trigger tg_ward__restrict_post_update on core.ward;
drop trigger tg_ward__restrict_post_delete on core.ward;
drop table core.post;
drop function core.tg__restrict_post_reference();
drop function core.tg_post__check_references();
drop table core.post_fingerprint;
drop function core.post_fingerprint(text, text, timestamptz, text);

commit;
