-- Deploy lokdarpan:core/partition_order to pg
-- requires: core/partition
-- requires: core/post
-- A closed month of core.post holds every ward's posts interleaved in arrival order, so a ward's
-- rows are spread over the whole partition: a ward-filtered full-text search had its GIN index
-- decode the posting lists of its words for the whole month (~6 ms per month for two common
-- words at 10,000,000 posts, ~75 ms over a year) and read one heap page per match. Maintenance
-- now rewrites each closed month once in the order the policy names (core.post: ward, then
-- time): the ward's rows form one TID range, so the index skips to it (~0.8 ms per month,
-- measured) and the heap reads fall on a few pages. It copies the month into a new table with
-- its indexes built, then swaps it in for the old partition: readers go on throughout (the copy
-- holds a SHARE lock: only writers to that month wait), and the swap itself is a catalog change
-- under a short ACCESS EXCLUSIVE lock on the parent, taken with a lock timeout and retried.

begin;

alter table core.partition_policy add column order_by text;
comment on column core.partition_policy.order_by is
    'Column list (SQL, e.g. ''city, created_at'') a closed month is rewritten in once by '
    'core.order_closed_partitions(); NULL leaves partitions in arrival order.';
alter table core.partition_policy add constraint ck_partition_policy__order_by
    check (order_by ~ '^[a-z_][a-z0-9_]*( (asc|desc))?(, [a-z_][a-z0-9_]*( (asc|desc))?)*$');
update core.partition_policy set order_by = 'city, created_at'
 where parent_schema = 'core' and parent_table = 'post';

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
