-- Revert lokdarpan:core/partition_order from pg
-- Partitions already rewritten stay in their order (same rows, same names): only the machinery
-- goes, and daily maintenance is as core/partition wrote it (verbatim).

begin;

create or replace function core.daily_partition_maintenance(p_now timestamptz default now())
returns table (parent text, partition_name text, action text, row_count bigint)
language plpgsql
volatile
set search_path = pg_catalog, core
as $$
declare
    v_policy  core.partition_policy;
    v_parent  regclass;
    v_month   record;
begin
    return query select e.parent, e.partition_name, e.action, e.rows_moved
                   from core.ensure_partitions(p_now) e;
    -- months stuck in a default partition: create their partition when the guard allows
    for v_policy in select * from core.partition_policy order by parent_schema, parent_table loop
        v_parent := to_regclass(format('%I.%I', v_policy.parent_schema, v_policy.parent_table));
        continue when v_parent is null;
        for v_month in select * from core.default_partition_months(v_parent) loop
            if v_month.month >= v_policy.min_month
               and v_month.month <= (core.month_start(p_now)
                                     + make_interval(months => v_policy.max_future_months))::date then
                return query select format('%I.%I', v_policy.parent_schema, v_policy.parent_table), c.partition_name, c.action, c.rows_moved
                               from core.create_monthly_partition(v_parent, v_month.month, p_now) c;
            else
                return query select format('%I.%I', v_policy.parent_schema, v_policy.parent_table), null::text,
                                    'left in default: month ' || to_char(v_month.month, 'YYYY-MM')
                                    || ' is outside the partition guard', v_month.row_count;
            end if;
        end loop;
    end loop;
    return query select d.parent, d.partition_name, d.action, d.row_count
                   from core.detach_old_partitions(p_now) d;
end
$$;
comment on function core.daily_partition_maintenance(timestamptz) is
    'Everything a scheduler runs once a day: ensure partitions ahead, move default-partition rows '
    'into their month''s partition (within the guard), detach/drop per retention. Returns one row '
    'per action. cron: 15 0 * * * psql "$DATABASE_URL" -c "select * from core.daily_partition_maintenance()"';

drop function core.order_closed_partitions(timestamptz, regclass, integer);
drop function core.order_partition(regclass, interval, integer);
drop table core.ordered_partition;
alter table core.partition_policy drop column order_by;

commit;
