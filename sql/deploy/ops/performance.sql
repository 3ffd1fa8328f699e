-- Deploy lokdarpan:ops/performance to pg
-- requires: ops/pg_stat_statements
-- The seeds' check_performance_thresholds(): one row per metric with its current value, the
-- threshold it is compared with and a status, so the health command and a monitoring job can
-- alert on it. Thresholds live in a table so a DBA tunes them without a migration.
--
-- Decisions: status is OK, WARN, CRITICAL or NOT AVAILABLE (a metric that cannot be measured
-- here: pg_stat_statements not preloaded, no standby); the threshold shown is the one crossed
-- (critical when critical, else the warning level). The function is SECURITY DEFINER so any
-- role sees server-wide aggregates (sessions of other roles, every statement's timing) without
-- being granted pg_read_all_stats; it returns numbers only, never query texts.

begin;

create table ops.performance_threshold (
    metric_name  text constraint pk_performance_threshold primary key,
    warn_at      numeric not null,
    critical_at  numeric not null,
    direction    text not null,
    unit         text not null,
    description  text not null,
    constraint ck_performance_threshold__direction check (direction in ('above', 'below')),
    constraint ck_performance_threshold__order check (
        (direction = 'above' and critical_at >= warn_at) or (direction = 'below' and critical_at <= warn_at))
);
comment on table ops.performance_threshold is
    'Warning and critical levels of each metric of ops.check_performance_thresholds() (tunable).';
comment on column ops.performance_threshold.direction is
    'above: the value is bad when it reaches the level; below: when it falls to the level.';
insert into ops.performance_threshold (metric_name, warn_at, critical_at, direction, unit, description) values
    ('cache_hit_ratio', 99, 90, 'below', 'percent',
     'Share of block reads of this database served from shared buffers (judged from 10000 block reads on)'),
    ('connection_usage', 80, 95, 'above', 'percent', 'Client connections as a share of max_connections'),
    ('slow_statements', 1, 10, 'above', 'statements',
     'Statements of this database (pg_stat_statements) whose mean execution time exceeds the slow limit'),
    ('replication_lag', 30, 300, 'above', 'seconds', 'Replay lag of the slowest standby (or of this standby)'),
    ('long_transactions', 1, 5, 'above', 'sessions', 'Sessions whose transaction has been open for 5 minutes or more'),
    ('xid_age', 50, 75, 'above', 'percent',
     'Age of the oldest unfrozen transaction id of this database as a share of the 2^31 wraparound limit');

create function ops.check_performance_thresholds(p_slow_statement_ms numeric default 1000)
returns table (metric_name text, current_value numeric, threshold numeric, status text)
language plpgsql
stable
security definer
set search_path = pg_catalog, ops, pg_temp
as $$
#variable_conflict use_column
declare
    v_value    numeric;
    v_sample   numeric;
    v_standby  boolean;
    v_t        ops.performance_threshold;
begin
    if p_slow_statement_ms is null or p_slow_statement_ms <= 0 then
        raise exception 'slow statement limit must be a positive number of milliseconds'
            using errcode = 'invalid_parameter_value';
    end if;
    for v_t in select * from ops.performance_threshold t order by t.metric_name loop
        v_value := null;
        v_sample := null;
        if v_t.metric_name = 'cache_hit_ratio' then
            select round(100.0 * d.blks_hit / nullif(d.blks_hit + d.blks_read, 0), 2), d.blks_hit + d.blks_read
              into v_value, v_sample
              from pg_catalog.pg_stat_database d where d.datname = pg_catalog.current_database();
        elsif v_t.metric_name = 'connection_usage' then
            select round(100.0 * count(*) / nullif(pg_catalog.current_setting('max_connections')::numeric, 0), 2)
              into v_value
              from pg_catalog.pg_stat_activity a where a.backend_type = 'client backend';
        elsif v_t.metric_name = 'slow_statements' then
            begin
                if not exists (select 1 from pg_catalog.pg_extension e where e.extname = 'pg_stat_statements') then
                    raise exception 'extension pg_stat_statements is not installed' using errcode = 'undefined_object';
                end if;
                execute format('select count(*) from %I.pg_stat_statements s '
                               'where s.dbid = (select d.oid from pg_catalog.pg_database d '
                               'where d.datname = pg_catalog.current_database()) and s.mean_exec_time > $1',
                               (select n.nspname from pg_catalog.pg_extension e
                                  join pg_catalog.pg_namespace n on n.oid = e.extnamespace
                                 where e.extname = 'pg_stat_statements'))
                   into v_value using p_slow_statement_ms;
            exception when others then
                return query select v_t.metric_name, null::numeric, v_t.warn_at, 'NOT AVAILABLE'::text;
                continue;
            end;
        elsif v_t.metric_name = 'replication_lag' then
            v_standby := pg_catalog.pg_is_in_recovery();
            if v_standby then
                v_value := round(extract(epoch from (pg_catalog.now()
                                 - pg_catalog.pg_last_xact_replay_timestamp()))::numeric, 3);
            else
                select round(max(extract(epoch from coalesce(r.replay_lag, interval '0')))::numeric, 3)
                  into v_value from pg_catalog.pg_stat_replication r;
            end if;
            if v_value is null then
                return query select v_t.metric_name, null::numeric, v_t.warn_at, 'NOT AVAILABLE'::text;
                continue;
            end if;
        elsif v_t.metric_name = 'long_transactions' then
            select count(*) into v_value from pg_catalog.pg_stat_activity a
             where a.xact_start <= pg_catalog.now() - interval '5 minutes' and a.backend_type = 'client backend';
        elsif v_t.metric_name = 'xid_age' then
            select round(100.0 * pg_catalog.age(d.datfrozenxid) / 2147483648.0, 3) into v_value
              from pg_catalog.pg_database d where d.datname = pg_catalog.current_database();
        else
            return query select v_t.metric_name, null::numeric, v_t.warn_at, 'NOT AVAILABLE'::text;
            continue;
        end if;
        return query select v_t.metric_name, v_value,
            case when ops.threshold_status(v_value, v_t.warn_at, v_t.critical_at, v_t.direction) = 'CRITICAL'
                 then v_t.critical_at else v_t.warn_at end,
            case when v_t.metric_name = 'cache_hit_ratio' and coalesce(v_sample, 0) < 10000 then 'OK'
                 else ops.threshold_status(v_value, v_t.warn_at, v_t.critical_at, v_t.direction) end;
    end loop;
end
$$;

create function ops.threshold_status(p_value numeric, p_warn numeric, p_critical numeric, p_direction text)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog
as $$
    select case
        when p_value is null then 'NOT AVAILABLE'
        when p_direction = 'above' and p_value >= p_critical then 'CRITICAL'
        when p_direction = 'above' and p_value >= p_warn then 'WARN'
        when p_direction = 'below' and p_value <= p_critical then 'CRITICAL'
        when p_direction = 'below' and p_value <= p_warn then 'WARN'
        else 'OK'
    end
$$;
comment on function ops.threshold_status(numeric, numeric, numeric, text) is
    'OK, WARN, CRITICAL (or NOT AVAILABLE for a NULL value) for p_value against the warning and '
    'critical levels; p_direction above: bad when the value reaches a level, below: when it falls to it.';

comment on function ops.check_performance_thresholds(numeric) is
    'One row per metric of ops.performance_threshold: metric_name, current_value (in the metric''s '
    'unit), threshold (the level crossed, else the warning level), status OK/WARN/CRITICAL/NOT AVAILABLE. '
    'slow_statements counts statements of this database slower than p_slow_statement_ms on average '
    '(pg_stat_statements; NOT AVAILABLE when it is not loaded); replication_lag is NOT AVAILABLE '
    'without a standby. Cost: a few statistics-view scans.';

commit;
