-- Revert lokdarpan:core/partition from pg

begin;

drop function core.daily_partition_maintenance(timestamptz);
drop function core.order_closed_partitions(timestamptz, regclass, integer);
drop function core.order_partition(regclass, interval, integer);
drop table core.ordered_partition;
drop function core.detach_old_partitions(timestamptz, regclass);
drop function core.default_partition_months(regclass);
drop function core.ensure_partitions(timestamptz, regclass, date);
drop function core.create_monthly_partition(regclass, date, timestamptz);
drop function core.partitions_of(regclass);
drop function core.partition_name(text, date);
drop function core.month_start(timestamptz);
drop table core.detached_partition;
drop table core.partition_policy;

commit;
