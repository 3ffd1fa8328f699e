-- Deploy lokdarpan:ai/cleanup to pg
-- requires: ai/embedding_store
-- requires: ai/model_execution
-- requires: ai/geopolitical_report
-- requires: ai/system_metrics
-- The seeds' ai_cleanup_expired_data(), fixed: "now" and every retention horizon are
-- parameters (the seeds' horizons are the defaults); old model executions go by dropping whole
-- monthly partitions instead of a row DELETE on the partitioned log; reports are archived,
-- not deleted; the result says how many rows each table lost.

begin;

create function ai.ai_cleanup_expired_data(p_now timestamptz default now(),
                                           p_embedding_unused interval default interval '90 days',
                                           p_report_unused interval default interval '60 days',
                                           p_report_min_access integer default 3,
                                           p_execution_retention interval default interval '6 months',
                                           p_metrics_retention interval default interval '1 year')
returns table (table_name text, action text, row_count bigint)
language plpgsql
volatile
set search_path = pg_catalog, ai, core
as $$
declare
    v_cutoff   timestamptz;
    v_part     record;
    v_rows     bigint;
    v_total    bigint := 0;
    v_parts    bigint := 0;
begin
    if p_now is null or p_embedding_unused is null or p_report_unused is null or p_report_min_access is null
       or p_execution_retention is null or p_metrics_retention is null then
        raise exception 'ai_cleanup_expired_data: arguments must not be NULL' using errcode = 'null_value_not_allowed';
    end if;
    if p_embedding_unused <= interval '0' or p_report_unused <= interval '0'
       or p_execution_retention <= interval '0' or p_metrics_retention <= interval '0' or p_report_min_access < 0 then
        raise exception 'ai_cleanup_expired_data: retention horizons must be positive'
            using errcode = 'invalid_parameter_value';
    end if;

    -- embeddings: expired, or never used within the horizon
    with d as (
        delete from ai.embedding_store e
         where e.expires_at <= p_now
            or (e.access_count = 0 and coalesce(e.last_accessed_at, e.created_at) < p_now - p_embedding_unused)
        returning 1
    )
    select count(*) into v_rows from d;
    return query select 'ai.embedding_store'::text, 'deleted'::text, v_rows;

    -- executions: whole partitions that ended before the cutoff, then the default partition
    v_cutoff := p_now - p_execution_retention;
    for v_part in
        select p.partition_schema, p.partition_name, p.partition_oid
          from core.partitions_of('ai.model_execution'::regclass) p
         where not p.is_default and p.range_to::timestamptz <= v_cutoff
         order by p.range_from::timestamptz
    loop
        execute format('select count(*) from %I.%I', v_part.partition_schema, v_part.partition_name) into v_rows;
        execute format('alter table ai.model_execution detach partition %I.%I',
                       v_part.partition_schema, v_part.partition_name);
        execute format('drop table %I.%I', v_part.partition_schema, v_part.partition_name);
        v_total := v_total + v_rows;
        v_parts := v_parts + 1;
    end loop;
    with d as (
        delete from ai.model_execution_default x where x.created_at < v_cutoff returning 1
    )
    select count(*) into v_rows from d;
    return query select 'ai.model_execution'::text, 'deleted'::text, v_total + v_rows;
    return query select 'ai.model_execution'::text, 'partitions_dropped'::text, v_parts;

    -- reports: archived when expired, or stale and rarely read
    with a as (
        update ai.geopolitical_report r
           set is_archived = true,
               archived_at = p_now,
               archive_reason = case when r.expires_at <= p_now then 'expired' else 'stale' end
         where not r.is_archived
           and (r.expires_at <= p_now
                or (r.access_count < p_report_min_access
                    and coalesce(r.last_accessed_at, r.completed_at, r.requested_at) < p_now - p_report_unused))
        returning 1
    )
    select count(*) into v_rows from a;
    return query select 'ai.geopolitical_report'::text, 'archived'::text, v_rows;

    -- metrics: row retention (small table)
    with d as (
        delete from ai.system_metrics m where m.created_at < p_now - p_metrics_retention returning 1
    )
    select count(*) into v_rows from d;
    return query select 'ai.system_metrics'::text, 'deleted'::text, v_rows;
end
$$;
comment on function ai.ai_cleanup_expired_data(timestamptz, interval, interval, integer, interval, interval) is
    'The seeds'' cleanup, fixed. Deletes embeddings expired at p_now or never accessed for '
    'p_embedding_unused (90 days); drops whole ai.model_execution partitions whose month ended '
    'more than p_execution_retention (6 months) before p_now (rows of the default partition '
    'older than that are deleted); archives reports expired or with fewer than '
    'p_report_min_access (3) reads for p_report_unused (60 days); deletes metrics older than '
    'p_metrics_retention (1 year). Returns (table_name, action, row_count) per table. Takes an '
    'ACCESS EXCLUSIVE lock on ai.model_execution only when it drops a partition.';

commit;
