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
--
-- Closed months in policy order: a closed month of core.post holds every ward's posts
-- interleaved in arrival order, so a ward-filtered full-text search had its GIN index decode
-- the posting lists of its words for the whole month (~6 ms per month for two common words at
-- 10,000,000 posts) and read one heap page per match. Maintenance rewrites each closed month
-- once in the order its policy names (core.post: ward, then time): a ward's rows then form one
-- TID range (~0.8 ms per month, measured). core.order_partition() copies the month into a new
-- table with its indexes built, then swaps it in for the old partition: readers go on (the copy
-- holds a SHARE lock: only writers to that month wait), and the swap is a catalog change under
-- a short ACCESS EXCLUSIVE lock on the parent, taken with a lock timeout and retried.

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
    order_by               text,
    constraint pk_partition_policy primary key (parent_schema, parent_table),
    constraint ck_partition_policy__ahead check (months_ahead between 0 and 120),
    constraint ck_partition_policy__behind check (months_behind between 0 and 120),
    constraint ck_partition_policy__retention check (retention_months > 0),
    constraint ck_partition_policy__future check (max_future_months between 1 and 240),
    constraint ck_partition_policy__min_month check (min_month = date_trunc('month', min_month)),
    constraint ck_partition_policy__order_by
        check (order_by ~ '^[a-z_][a-z0-9_]*( (asc|desc))?(, [a-z_][a-z0-9_]*( (asc|desc))?)*$')
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
comment on column core.partition_policy.order_by is
    'Column list (SQL, e.g. ''city, created_at'') a closed month is rewritten in once by '
    'core.order_closed_partitions(); NULL leaves partitions in arrival order.';

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

create table core.ordered_partition (
    table_schema  text not null,
    table_name    text not null,
    parent_schema text not null,
    parent_table  text not null,
    order_by      text not null,
    row_count     bigint not null,
    ordered_at    timestamptz not null default now(),
    seconds       numeric not null,
    constraint pk_ordered_partition primary key (table_schema, table_name)
);
comment on table core.ordered_partition is
    'Partitions rewritten in their policy''s order by core.order_partition() (one row each, the '
    'latest rewrite): a partition listed here is not rewritten again unless it grew by a tenth.';

create function core.order_partition(p_partition regclass, p_lock_timeout interval default '2 seconds',
                                     p_attempts integer default 5)
returns table (partition_name text, action text, row_count bigint, seconds numeric)
language plpgsql
volatile
set search_path = pg_catalog, core
as $$
declare
    v_t0       timestamptz := clock_timestamp();
    v_schema   text;
    v_name     text;
    v_parent   regclass;
    v_pschema  text;
    v_ptable   text;
    v_order    text;
    v_from     text;
    v_to       text;
    v_key      text;
    v_new      text;
    v_cols     text;
    v_rows     bigint;
    v_idx      record;
    v_attempt  integer := 0;
    v_timeout  text := current_setting('lock_timeout');
    v_owner    name;
    v_names    jsonb;
    v_seconds  numeric;
begin
    select n.nspname, c.relname, i.inhparent::regclass, pg_get_userbyid(c.relowner)
      into v_schema, v_name, v_parent, v_owner
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_inherits i on i.inhrelid = c.oid
     where c.oid = p_partition and c.relkind = 'r';
    if v_parent is null then
        raise exception '% is not a partition', p_partition using errcode = 'wrong_object_type';
    end if;
    select n.nspname, c.relname into v_pschema, v_ptable
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = v_parent;
    select pp.order_by into v_order from core.partition_policy pp
     where pp.parent_schema = v_pschema and pp.parent_table = v_ptable;
    if v_order is null then
        raise exception 'no order for partitions of %.% (core.partition_policy.order_by)', v_pschema, v_ptable
            using errcode = 'undefined_object';
    end if;
    select p.range_from, p.range_to into v_from, v_to
      from core.partitions_of(v_parent) p where p.partition_oid = p_partition and not p.is_default;
    if v_from is null then
        raise exception '% is a default partition: it has no month to order', p_partition
            using errcode = 'wrong_object_type';
    end if;
    select a.attname into v_key
      from pg_partitioned_table pt
      join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
     where pt.partrelid = v_parent;

    -- one maintainer per parent at a time (as core.create_monthly_partition)
    perform pg_advisory_xact_lock(hashtext('lokdarpan:partition'), v_parent::oid::integer);
    -- writers to this month wait until the swap commits; readers go on
    execute format('lock table %s in share mode', p_partition);

    v_new := left(v_name, 55) || '__order';
    execute format('create table %I.%I (like %s including defaults including constraints '
                   'including storage including generated)', v_schema, v_new, v_parent);
    execute format('alter table %I.%I add constraint %I check (%I >= %L and %I < %L)',
                   v_schema, v_new, v_new || '__bounds', v_key, v_from, v_key, v_to);
    select string_agg(format('%I', a.attname), ', ' order by a.attnum) into v_cols
      from pg_attribute a
     where a.attrelid = v_parent and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
    execute format('insert into %I.%I (%s) overriding system value select %s from %s order by %s',
                   v_schema, v_new, v_cols, v_cols, p_partition, v_order);
    get diagnostics v_rows = row_count;
    -- every index of the parent (a key as its constraint), built now on the copy, so attaching
    -- it builds nothing
    for v_idx in
        select case when k.oid is not null
                    then format('alter table %I.%I add %s', v_schema, v_new, pg_get_constraintdef(k.oid))
                    else regexp_replace(pg_get_indexdef(x.indexrelid), '^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ ',
                                        format('CREATE \1INDEX ON %I.%I ', v_schema, v_new)) end as ddl
          from pg_index x
          left join pg_constraint k on k.conindid = x.indexrelid and k.conrelid = v_parent and k.contype in ('p', 'u')
         where x.indrelid = v_parent
    loop
        execute v_idx.ddl;
    end loop;
    execute format('analyze %I.%I', v_schema, v_new);

    -- the copy will take the old partition's name and its indexes' names: parent index ->
    -- name, known until the old partition is detached
    select jsonb_object_agg(i.inhparent::text, c.relname) into v_names
      from pg_index x join pg_class c on c.oid = x.indexrelid join pg_inherits i on i.inhrelid = x.indexrelid
     where x.indrelid = p_partition;

    -- the swap: a catalog change under a short ACCESS EXCLUSIVE lock on the parent, retried
    -- rather than queueing every reader behind a long query
    loop
        v_attempt := v_attempt + 1;
        begin
            perform set_config('lock_timeout', (extract(epoch from p_lock_timeout) * 1000)::bigint::text, true);
            execute format('alter table %s detach partition %s', v_parent, p_partition);
            exit;
        exception when lock_not_available then
            if v_attempt >= p_attempts then
                raise exception 'could not lock % to swap in the ordered copy of % after % attempts',
                    v_parent, p_partition, v_attempt using errcode = 'lock_not_available';
            end if;
            perform pg_sleep(least(v_attempt, 5));
        end;
    end loop;
    perform set_config('lock_timeout', v_timeout, true);
    execute format('alter table %s attach partition %I.%I for values from (%L) to (%L)',
                   v_parent, v_schema, v_new, v_from, v_to);
    execute format('alter table %I.%I drop constraint %I', v_schema, v_new, v_new || '__bounds');
    execute format('drop table %s', p_partition);
    execute format('alter table %I.%I rename to %I', v_schema, v_new, v_name);
    if v_owner <> current_user then
        execute format('alter table %I.%I owner to %I', v_schema, v_name, v_owner);
    end if;
    for v_idx in
        select c.relname as new_name, v_names ->> i.inhparent::text as old_name
          from pg_index x
          join pg_class c on c.oid = x.indexrelid
          join pg_inherits i on i.inhrelid = x.indexrelid
         where x.indrelid = format('%I.%I', v_schema, v_name)::regclass
           and c.relname <> v_names ->> i.inhparent::text
    loop
        execute format('alter index %I.%I rename to %I', v_schema, v_idx.new_name, v_idx.old_name);
    end loop;

    v_seconds := round(extract(epoch from clock_timestamp() - v_t0)::numeric, 3);
    insert into core.ordered_partition as o (table_schema, table_name, parent_schema, parent_table, order_by,
                                             row_count, ordered_at, seconds)
    values (v_schema, v_name, v_pschema, v_ptable, v_order, v_rows, now(), v_seconds)
    on conflict (table_schema, table_name) do update
       set order_by = excluded.order_by, row_count = excluded.row_count, ordered_at = excluded.ordered_at,
           seconds = excluded.seconds;
    return query select format('%I.%I', v_schema, v_name), 'ordered by ' || v_order, v_rows, v_seconds;
end
$$;
comment on function core.order_partition(regclass, interval, integer) is
    'Rewrites partition p_partition in the order its parent''s policy names (core.partition_policy.'
    'order_by): copies it in order into a new table, builds the parent''s indexes on it, then swaps it '
    'in (detach old, attach new, old dropped, names kept) under a p_lock_timeout lock on the parent, '
    'retried p_attempts times. Writers to that month wait for the whole rewrite; readers never do. '
    'Cost: about the time of re-inserting the month plus building its indexes (seconds per million rows).';

create function core.order_closed_partitions(p_now timestamptz default now(), p_parent regclass default null,
                                             p_limit integer default 1)
returns table (parent text, partition_name text, action text, row_count bigint, seconds numeric)
language plpgsql
volatile
set search_path = pg_catalog, core
as $$
declare
    v_policy  core.partition_policy;
    v_parent  regclass;
    v_part    record;
    v_rows    boolean;
    v_done    integer := 0;
begin
    for v_policy in select * from core.partition_policy where order_by is not null
                     order by parent_schema, parent_table loop
        v_parent := to_regclass(format('%I.%I', v_policy.parent_schema, v_policy.parent_table));
        continue when v_parent is null or (p_parent is not null and v_parent <> p_parent);
        -- months that ended more than a day ago (late posts have arrived), not ordered yet or grown
        -- by a tenth since, oldest first
        for v_part in
            select p.partition_oid, p.partition_schema, p.partition_name
              from core.partitions_of(v_parent) p
              join pg_class c on c.oid = p.partition_oid
              left join core.ordered_partition o
                     on o.table_schema = p.partition_schema and o.table_name = p.partition_name
             where not p.is_default
               and p.range_to::timestamptz <= p_now - interval '1 day'
               and (o.table_name is null or c.reltuples > o.row_count * 1.1)  -- reltuples -1: never analyzed
             order by p.range_from::timestamptz
        loop
            execute format('select exists (select 1 from %I.%I)', v_part.partition_schema, v_part.partition_name)
               into v_rows;
            continue when not v_rows;
            return query select format('%I.%I', v_policy.parent_schema, v_policy.parent_table), o.partition_name,
                                o.action, o.row_count, o.seconds
                           from core.order_partition(v_part.partition_oid::regclass) o;
            v_done := v_done + 1;
            if v_done >= p_limit then
                return;
            end if;
        end loop;
    end loop;
end
$$;
comment on function core.order_closed_partitions(timestamptz, regclass, integer) is
    'Rewrites, oldest first, up to p_limit partitions whose month ended more than a day before '
    'p_now, that their policy orders (core.partition_policy.order_by) and that are not ordered yet '
    '(or grew by a tenth since): core.order_partition() each. Returns one row per partition '
    'rewritten. Each swap holds the parent''s ACCESS EXCLUSIVE lock until the caller''s transaction '
    'ends, so call it once per transaction (autocommit) with the default limit of 1, as '
    'core.daily_partition_maintenance() and lokdarpan-db maintain do. At 10,000,000 posts a year a '
    'month takes ~20 s.';

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
    -- closed months rewritten in their policy's order (core/partition_order)
    return query select o.parent, o.partition_name, o.action || ' in ' || o.seconds || ' s', o.row_count
                   from core.order_closed_partitions(p_now) o;
end
$$;
comment on function core.daily_partition_maintenance(timestamptz) is
    'Everything a scheduler runs once a day: ensure partitions ahead, move default-partition rows '
    'into their month''s partition (within the guard), detach/drop per retention, rewrite the '
    'oldest closed month not yet in its policy''s order (core.order_closed_partitions, one per '
    'call). Returns one row '
    'per action. cron: 15 0 * * * psql "$DATABASE_URL" -c "select * from core.daily_partition_maintenance()"';

commit;
