-- Verify lokdarpan:core/partition on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/core/partition.sql.

begin;

select 1 / (count(*) = 10)::int from pg_catalog.pg_attribute
 where attrelid = 'core.partition_policy'::regclass and attnum > 0 and not attisdropped
   and attname in ('parent_schema', 'parent_table', 'months_ahead', 'months_behind', 'retention_months', 'drop_detached_after', 'max_future_months', 'min_month', 'created_at', 'order_by');
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'core.detached_partition'::regclass and attnum > 0 and not attisdropped
   and attname in ('table_schema', 'table_name', 'parent_schema', 'parent_table', 'range_from', 'range_to', 'detached_at', 'row_count');
select 'core.month_start(timestamptz)'::regprocedure;
select 'core.partition_name(text, date)'::regprocedure;
select 'core.partitions_of(regclass)'::regprocedure;
select 'core.create_monthly_partition(regclass, date, timestamptz)'::regprocedure;
select 'core.ensure_partitions(timestamptz, regclass, date)'::regprocedure;
select 'core.default_partition_months(regclass)'::regprocedure;
select 'core.detach_old_partitions(timestamptz, regclass)'::regprocedure;
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'core.ordered_partition'::regclass and attnum > 0 and not attisdropped
   and attname in ('table_schema', 'table_name', 'parent_schema', 'parent_table', 'order_by', 'row_count', 'ordered_at', 'seconds');
select 'core.order_partition(regclass, interval, int4)'::regprocedure;
select 'core.order_closed_partitions(timestamptz, regclass, int4)'::regprocedure;
select 'core.daily_partition_maintenance(timestamptz)'::regprocedure;

rollback;
