-- Deploy lokdarpan:core/partition to pg
-- requires: core/schema
-- Monthly range-partition maintenance for every partitioned table of the product (posts,
-- sentiment time series, model executions, audit log), in the manner of pg_partman: a policy
-- row per table, partitions created ahead, rows in the default partition moved into the
-- partition created for their month, old partitions detached (never row-DELETEd), absurd
-- months refused. Every function takes "now" from its caller.
--
-- Decisions: partition bounds are month starts at 00:00 UTC (timestamptz columns) or plain
-- month starts (date / timestamp columns); partitions are named <table>_pYYYY_MM and are found
-- through pg_inherits by oid, never by a name pattern.

begin;

create table core.partition_policy (
    parent_schema          text not null,
    parent_table           text not null,
    months_ahead           integer not null default 3,
    months_behind          integer not null default 1,
    retention_months       integer,
    drop_detached_after    interval,
    max_future_months      integer not null default 24,
    min_month              date not null default date '2000-01-01',
    created_at             timestamptz not null default now(),
    constraint pk_partition_policy primary key (parent_schema, parent_table),
    constraint ck_partition_policy__ahead check (months_ahead between 0 and 120),
    constraint ck_partition_policy__behind check (months_behind between 0 and 120),
    constraint ck_partition_policy__retention check (retention_months > 0),
    constraint ck_partition_policy__future check (max_future_months between 1 and 240),
    constraint ck_partition_policy__min_month check (min_month = date_trunc('month', min_month))
);
comment on table core.partition_policy is
    'Which tables are partitioned by month and how they are maintained (one row per parent).';
comment on column core.partition_policy.months_ahead is
    'Partitions kept ready for this many months after the current one.';
comment on column core.partition_policy.months_behind is
    'Partitions ensured for this many months before the current one.';
comment on column core.partition_policy.retention_months is
    'Partitions whose whole month ended more than this many months before now are detached; '
    'NULL keeps everything.';
comment on column core.partition_policy.drop_detached_after is
    'Detached partitions older than this are dropped; NULL never drops them.';
comment on column core.partition_policy.max_future_months is
    'Guard: no partition is created further than this many months after now.';
comment on column core.partition_policy.min_month is 'Guard: no partition is created before this month.';

create table core.detached_partition (
    table_schema   text not null,
    table_name     text not null,
    parent_schema  text not null,
    parent_table   text not null,
    range_from     text not null,
    range_to       text not null,
    detached_at    timestamptz not null,
    row_count      bigint,
    constraint pk_detached_partition primary key (table_schema, table_name)
);
comment on table core.detached_partition is
    'Partitions detached by retention: still readable tables until dropped after the grace period.';

create function core.month_start(p_at timestamptz)
returns date
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select (date_trunc('month', p_at at time zone 'UTC'))::date
$$;
comment on function core.month_start(timestamptz) is
    'First day of the UTC month containing p_at (partition bounds are UTC month starts).';

create function core.partition_name(p_table text, p_month date)
returns text
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select p_table || '_p' || to_char(p_month, 'YYYY_MM')
$$;
comment on function core.partition_name(text, date) is
    'Name of the monthly partition of p_table for p_month: <table>_pYYYY_MM.';

create function core.partitions_of(p_parent regclass)
returns table (partition_oid oid, partition_schema text, partition_name text, is_default boolean,
               range_from text, range_to text)
language sql
stable
set search_path = pg_catalog
as $$
    select c.oid, n.nspname::text, c.relname::text,
           pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT',
           substring(pg_get_expr(c.relpartbound, c.oid) from 'FROM \(''([^'']*)''\)'),
           substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \(''([^'']*)''\)')
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_namespace n on n.oid = c.relnamespace
     where i.inhparent = p_parent
$$;
comment on function core.partitions_of(regclass) is
    'Direct partitions of p_parent found through pg_inherits: name, default flag and bounds as text.';

create function core.create_monthly_partition(p_parent regclass, p_month date,
                                              p_now timestamptz default now())
returns table (partition_name text, action text, rows_moved bigint)
language plpgsql
volatile
set search_path = pg_catalog, core
as $$
declare
    v_schema   text;
    v_table    text;
    v_key      text;
    v_keytype  regtype;
    v_policy   core.partition_policy;
    v_month    date := date_trunc('month', p_month)::date;
    v_from     text;
    v_to       text;
    v_name     text;
    v_default  regclass;
    v_moved    bigint := 0;
    v_has_rows boolean := false;
    v_cols     text;
begin
    select n.nspname, c.relname into v_schema, v_table
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.oid = p_parent and c.relkind = 'p';
    if v_table is null then
        raise exception '% is not a partitioned table', p_parent using errcode = 'wrong_object_type';
    end if;
    select * into v_policy from core.partition_policy
     where parent_schema = v_schema and parent_table = v_table;
    if not found then
        raise exception 'no partition policy for %.%', v_schema, v_table
            using errcode = 'undefined_object',
                  hint = 'insert a row into core.partition_policy first';
    end if;
    if v_month is null then
        raise exception 'month must not be NULL' using errcode = 'null_value_not_allowed';
    end if;
    if v_month < v_policy.min_month
       or v_month > (core.month_start(p_now) + make_interval(months => v_policy.max_future_months))::date then
        raise exception 'refusing to create a partition of %.% for % (allowed: % to % months after now)',
            v_schema, v_table, to_char(v_month, 'YYYY-MM'), to_char(v_policy.min_month, 'YYYY-MM'),
            v_policy.max_future_months
            using errcode = 'invalid_parameter_value';
    end if;

    -- one creator per parent at a time; waiters then find the partition and do nothing
    perform pg_advisory_xact_lock(hashtext('lokdarpan:partition'), p_parent::oid::integer);

    select a.attname, a.atttypid::regtype into v_key, v_keytype
      from pg_partitioned_table pt
      join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
     where pt.partrelid = p_parent;
    if v_keytype = 'timestamptz'::regtype then
        v_from := to_char(v_month, 'YYYY-MM-DD') || ' 00:00:00+00';
        v_to := to_char((v_month + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00';
    else
        v_from := to_char(v_month, 'YYYY-MM-DD');
        v_to := to_char((v_month + interval '1 month')::date, 'YYYY-MM-DD');
    end if;
    v_name := core.partition_name(v_table, v_month);

    -- already there (by bounds, whatever its name)?
    perform 1 from core.partitions_of(p_parent) p
      where not p.is_default
        and p.range_from::timestamptz <= v_from::timestamptz
        and p.range_to::timestamptz >= v_to::timestamptz;
    if found then
        return query select v_name, 'exists'::text, 0::bigint;
        return;
    end if;

    select format('%I.%I', p.partition_schema, p.partition_name)::regclass into v_default
      from core.partitions_of(p_parent) p where p.is_default;

    if v_default is not null then
        execute format('select exists (select 1 from %s where %I >= %L and %I < %L)',
                       v_default, v_key, v_from, v_key, v_to)
           into strict v_has_rows;
    end if;

    if not v_has_rows then
        execute format('create table %I.%I partition of %s for values from (%L) to (%L)',
                       v_schema, v_name, p_parent, v_from, v_to);
        return query select v_name, 'created'::text, 0::bigint;
        return;
    end if;

    -- rows for this month sit in the default partition: move them into a new table, then
    -- attach it (attaching would otherwise fail on the default partition's constraint)
    execute format('create table %I.%I (like %s including defaults including constraints '
                   'including storage including comments including generated)', v_schema, v_name, p_parent);
    execute format('alter table %I.%I add constraint %I check (%I >= %L and %I < %L)',
                   v_schema, v_name, 'ck_' || v_name || '__bounds', v_key, v_from, v_key, v_to);
    select string_agg(format('%I', a.attname), ', ' order by a.attnum) into v_cols
      from pg_attribute a
     where a.attrelid = p_parent and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
    execute format('with moved as (delete from %s where %I >= %L and %I < %L returning *) '
                   'insert into %I.%I (%s) overriding system value select %s from moved',
                   v_default, v_key, v_from, v_key, v_to, v_schema, v_name, v_cols, v_cols);
    get diagnostics v_moved = row_count;
    execute format('alter table %s attach partition %I.%I for values from (%L) to (%L)',
                   p_parent, v_schema, v_name, v_from, v_to);
    execute format('alter table %I.%I drop constraint %I', v_schema, v_name, 'ck_' || v_name || '__bounds');
    return query select v_name, 'created, rows moved from default'::text, v_moved;
end
$$;
comment on function core.create_monthly_partition(regclass, date, timestamptz) is
    'Creates the partition of p_parent for the month of p_month if no partition covers it, '
    'moving any rows for that month out of the default partition. Idempotent and safe under '
    'concurrent callers (advisory lock per parent). Refuses months outside the policy guard. '
    'Returns (partition_name, action: exists|created|created, rows moved from default, rows_moved).';

create function core.ensure_partitions(p_now timestamptz default now(), p_parent regclass default null,
                                       p_from date default null)
returns table (parent text, partition_name text, action text, rows_moved bigint)
language plpgsql
volatile
set search_path = pg_catalog, core
as $$
declare
    v_policy  core.partition_policy;
    v_parent  regclass;
    v_month   date;
    v_last    date;
begin
    for v_policy in
        select * from core.partition_policy order by parent_schema, parent_table
    loop
        v_parent := to_regclass(format('%I.%I', v_policy.parent_schema, v_policy.parent_table));
        continue when v_parent is null or (p_parent is not null and v_parent <> p_parent);
        v_month := coalesce(date_trunc('month', p_from)::date,
                            (core.month_start(p_now) - make_interval(months => v_policy.months_behind))::date);
        v_last := (core.month_start(p_now) + make_interval(months => v_policy.months_ahead))::date;
        while v_month <= v_last loop
            return query
                select format('%I.%I', v_policy.parent_schema, v_policy.parent_table), c.partition_name, c.action, c.rows_moved
                  from core.create_monthly_partition(v_parent, v_month, p_now) c
                 where c.action <> 'exists';
            v_month := (v_month + interval '1 month')::date;
        end loop;
    end loop;
end
$$;
comment on function core.ensure_partitions(timestamptz, regclass, date) is
    'Makes sure every policy table (or only p_parent) has monthly partitions from p_from '
    '(default: months_behind before now) to months_ahead after now. Idempotent; returns one row '
    'per partition it created.';

create function core.default_partition_months(p_parent regclass)
returns table (month date, row_count bigint)
language plpgsql
stable
set search_path = pg_catalog, core
as $$
declare
    v_default regclass;
    v_key     text;
begin
    select format('%I.%I', p.partition_schema, p.partition_name)::regclass into v_default
      from core.partitions_of(p_parent) p where p.is_default;
    if v_default is null then
        return;
    end if;
    select a.attname into v_key
      from pg_partitioned_table pt
      join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
     where pt.partrelid = p_parent;
    return query execute format(
        'select (date_trunc(''month'', %1$I %2$s))::date, count(*) from %3$s group by 1 order by 1',
        v_key,
        case when (select atttypid from pg_attribute where attrelid = p_parent and attname = v_key)
                  = 'timestamptz'::regtype then 'at time zone ''UTC''' else '' end,
        v_default);
end
$$;
comment on function core.default_partition_months(regclass) is
    'Months (UTC) that have rows sitting in the default partition of p_parent, with row counts.';

create function core.detach_old_partitions(p_now timestamptz default now(), p_parent regclass default null)
returns table (parent text, partition_name text, action text, row_count bigint)
language plpgsql
volatile
set search_path = pg_catalog, core
as $$
declare
    v_policy  core.partition_policy;
    v_parent  regclass;
    v_part    record;
    v_cutoff  date;
    v_rows    bigint;
    v_det     core.detached_partition;
begin
    -- never queue readers behind a long wait for the parent's lock
    perform set_config('lock_timeout', '5s', true);
    for v_policy in
        select * from core.partition_policy order by parent_schema, parent_table
    loop
        v_parent := to_regclass(format('%I.%I', v_policy.parent_schema, v_policy.parent_table));
        continue when v_parent is null or (p_parent is not null and v_parent <> p_parent);
        if v_policy.retention_months is not null then
            v_cutoff := (core.month_start(p_now) - make_interval(months => v_policy.retention_months))::date;
            for v_part in
                select * from core.partitions_of(v_parent) p
                 where not p.is_default and p.range_to::timestamptz <= v_cutoff::timestamptz
                 order by p.range_from
            loop
                execute format('select count(*) from %I.%I', v_part.partition_schema, v_part.partition_name)
                   into v_rows;
                execute format('alter table %s detach partition %I.%I', v_parent,
                               v_part.partition_schema, v_part.partition_name);
                insert into core.detached_partition
                    (table_schema, table_name, parent_schema, parent_table, range_from, range_to,
                     detached_at, row_count)
                values (v_part.partition_schema, v_part.partition_name, v_policy.parent_schema,
                        v_policy.parent_table, v_part.range_from, v_part.range_to, p_now, v_rows);
                return query select format('%I.%I', v_policy.parent_schema, v_policy.parent_table), v_part.partition_name, 'detached'::text, v_rows;
            end loop;
        end if;
        if v_policy.drop_detached_after is not null then
            for v_det in
                select * from core.detached_partition d
                 where d.parent_schema = v_policy.parent_schema and d.parent_table = v_policy.parent_table
                   and d.detached_at <= p_now - v_policy.drop_detached_after
                 order by d.range_from
            loop
                execute format('drop table if exists %I.%I', v_det.table_schema, v_det.table_name);
                delete from core.detached_partition
                 where table_schema = v_det.table_schema and table_name = v_det.table_name;
                return query select format('%I.%I', v_policy.parent_schema, v_policy.parent_table), v_det.table_name, 'dropped'::text, v_det.row_count;
            end loop;
        end if;
    end loop;
end
$$;
comment on function core.detach_old_partitions(timestamptz, regclass) is
    'Retention by whole partitions: detaches partitions past retention_months (they stay readable '
    'as plain tables, listed in core.detached_partition) and drops detached ones older than '
    'drop_detached_after. Never deletes rows. Returns one row per partition acted on.';

create function core.daily_partition_maintenance(p_now timestamptz default now())
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

commit;
