-- Deploy lokdarpan:ops/core_checks to pg
-- requires: ops/integrity_check
-- requires: core/post
-- requires: core/epaper
-- requires: core/partition
-- requires: core/vocabulary
-- requires: audit/ward_access
-- Integrity checks of the core module and of the cross-cutting machinery, registered in
-- ops.integrity_check so validate_data_integrity() runs them: posts whose ward, author or e-paper
-- is missing (core.post has no row-level foreign keys, see core/post), posts without a
-- fingerprint row and fingerprint rows without a post, e-papers sent twice under different
-- text, rows stuck in a default partition and missing future partitions of every
-- core.partition_policy table, values outside the canonical vocabularies, and ward data without
-- row-level security.
--
-- Every check is SECURITY DEFINER (pinned search_path) so it counts every row whatever the
-- caller's wards; it returns counts and names of tables, never row contents.

begin;

create function ops.check_post_orphans()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
security definer
set search_path = pg_catalog, core, pg_temp
as $$
    with bad as (
        select count(*) filter (where not exists (select 1 from core.ward w where w.ward_name = p.city)) as no_ward,
               count(*) filter (where p.author_id is not null
                                  and not exists (select 1 from core.author a where a.author_id = p.author_id)) as no_author,
               count(*) filter (where p.epaper_id is not null
                                  and not exists (select 1 from core.epaper e where e.epaper_id = p.epaper_id)) as no_epaper
          from core.post p
    )
    select case when b.no_ward + b.no_author + b.no_epaper = 0 then 'PASS' else 'FAIL' end,
           b.no_ward + b.no_author + b.no_epaper,
           format('posts whose ward is missing: %s, author missing: %s, e-paper missing: %s',
                  b.no_ward, b.no_author, b.no_epaper)
      from bad b
$$;
comment on function ops.check_post_orphans() is
    'Integrity check: posts whose city (core.ward), author_id (core.author) or epaper_id (core.epaper) '
    'does not exist. FAIL when any. Cost: one scan of core.post with hash anti-joins.';

create function ops.check_post_fingerprints()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
security definer
set search_path = pg_catalog, core, pg_temp
as $$
    with missing as (
        select count(*) as n from core.post p
         where not exists (select 1 from core.post_fingerprint f where f.fingerprint = p.fingerprint)
    ), dangling as (
        select count(*) as n from core.post_fingerprint f
         where not exists (select 1 from core.post p where p.post_id = f.post_id and p.created_at = f.created_at)
    )
    select case when m.n > 0 then 'FAIL' when d.n > 0 then 'WARN' else 'PASS' end,
           m.n + d.n,
           format('posts without a core.post_fingerprint row: %s; fingerprint rows pointing at no post: %s', m.n, d.n)
      from missing m, dangling d
$$;
comment on function ops.check_post_fingerprints() is
    'Integrity check: posts without a core.post_fingerprint row (FAIL: the global dedupe misses them) '
    'and fingerprint rows whose post is gone (WARN). Cost: two anti-joins over core.post.';

create function ops.check_duplicate_epapers()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
security definer
set search_path = pg_catalog, core, pg_temp
as $$
    with groups as (
        select count(*) - 1 as extra
          from core.epaper e
         group by lower(btrim(e.publication_name)), e.publication_date, e.city
        having count(*) > 1
    )
    select case when coalesce(sum(g.extra), 0) = 0 then 'PASS' else 'WARN' end,
           coalesce(sum(g.extra), 0)::bigint,
           format('e-papers repeating a publication, date and ward under a different text: %s extra rows in %s groups',
                  coalesce(sum(g.extra), 0), count(*))
      from groups g
$$;
comment on function ops.check_duplicate_epapers() is
    'Integrity check: e-papers with the same publication (case and spaces ignored), date and ward but a '
    'different text (identical texts are already refused by the sha256 key). WARN when any; '
    'record_count counts the extra rows. Cost: one grouping of core.epaper.';

create function ops.check_default_partitions()
returns table (status text, record_count bigint, issue_description text)
language plpgsql
stable
security definer
set search_path = pg_catalog, core, pg_temp
as $$
declare
    v_total  bigint := 0;
    v_detail text := '';
    v_policy core.partition_policy;
    v_parent regclass;
    v_rows   bigint;
begin
    for v_policy in select * from core.partition_policy p order by p.parent_schema, p.parent_table loop
        v_parent := to_regclass(format('%I.%I', v_policy.parent_schema, v_policy.parent_table));
        continue when v_parent is null;
        select coalesce(sum(m.row_count), 0) into v_rows from core.default_partition_months(v_parent) m;
        if v_rows > 0 then
            v_total := v_total + v_rows;
            v_detail := v_detail || format('%s%I.%I: %s rows in months %s', case when v_detail = '' then '' else '; ' end,
                                           v_policy.parent_schema, v_policy.parent_table, v_rows,
                                           (select string_agg(to_char(m.month, 'YYYY-MM'), ', ' order by m.month)
                                              from core.default_partition_months(v_parent) m));
        end if;
    end loop;
    return query select case when v_total = 0 then 'PASS' else 'FAIL' end, v_total,
                        case when v_total = 0 then 'no rows in any default partition'
                             else 'rows stuck in default partitions (run core.daily_partition_maintenance()): '
                                  || v_detail end;
end
$$;
comment on function ops.check_default_partitions() is
    'Integrity check: rows sitting in the default partition of any core.partition_policy table, by table '
    'and month (core.default_partition_months). FAIL when any. Cost: one scan of each default partition.';

create function ops.check_future_partitions(p_now timestamptz default now())
returns table (status text, record_count bigint, issue_description text)
language plpgsql
stable
security definer
set search_path = pg_catalog, core, pg_temp
as $$
declare
    v_missing text[] := '{}';
    v_policy  core.partition_policy;
    v_parent  regclass;
    v_month   date;
begin
    for v_policy in select * from core.partition_policy p order by p.parent_schema, p.parent_table loop
        v_parent := to_regclass(format('%I.%I', v_policy.parent_schema, v_policy.parent_table));
        if v_parent is null then
            v_missing := v_missing || format('%I.%I (table missing)', v_policy.parent_schema, v_policy.parent_table);
            continue;
        end if;
        for i in 0 .. v_policy.months_ahead loop
            v_month := (core.month_start(p_now) + make_interval(months => i))::date;
            if not exists (select 1 from core.partitions_of(v_parent) p
                            where not p.is_default
                              and left(p.range_from, 10)::date <= v_month
                              and left(p.range_to, 10)::date >= (v_month + interval '1 month')::date) then
                v_missing := v_missing || format('%I.%I %s', v_policy.parent_schema, v_policy.parent_table,
                                                 to_char(v_month, 'YYYY-MM'));
            end if;
        end loop;
    end loop;
    return query select case when cardinality(v_missing) = 0 then 'PASS' else 'FAIL' end,
                        cardinality(v_missing)::bigint,
                        case when cardinality(v_missing) = 0
                             then 'every policy table has partitions for this month and months_ahead after it'
                             else 'missing partitions (run core.ensure_partitions()): '
                                  || array_to_string(v_missing, ', ') end;
end
$$;
comment on function ops.check_future_partitions(timestamptz) is
    'Integrity check: for every core.partition_policy table, the months from the month of p_now to '
    'months_ahead after it that have no partition. FAIL when any (rows would land in the default '
    'partition, or be refused where there is none). Cost: catalog lookups only.';

create function ops.check_vocabularies()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
security definer
set search_path = pg_catalog, core, pg_temp
as $$
    with bad as (
        select count(*) filter (where not exists (select 1 from core.emotion e where e.emotion = p.emotion)) as emotion,
               count(*) filter (where p.party is not null
                                  and not exists (select 1 from core.party x where x.party = p.party)) as party
          from core.post p
    ), labels as (
        select count(*) as n from core.emotion_label l
         where not exists (select 1 from core.emotion e where e.emotion = l.emotion)
    )
    select case when b.emotion + b.party + l.n = 0 then 'PASS' else 'FAIL' end,
           b.emotion + b.party + l.n,
           format('posts with a non-canonical emotion: %s, party: %s; emotion labels mapped to no emotion: %s',
                  b.emotion, b.party, l.n)
      from bad b, labels l
$$;
comment on function ops.check_vocabularies() is
    'Integrity check: posts whose emotion is not in core.emotion or whose party is not in core.party (the '
    'CHECK constraints and the vocabulary tables must agree), and label mappings to unknown emotions. '
    'FAIL when any. Cost: one scan of core.post.';

create function ops.check_ward_rls()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
security definer
set search_path = pg_catalog, audit, pg_temp
as $$
    select case when count(*) = 0 then 'PASS' else 'FAIL' end,
           count(*),
           case when count(*) = 0 then 'every table and view holding ward data is protected'
                else 'ward data without row-level security or closed grants: '
                     || string_agg(format('%I.%I', w.table_schema, w.table_name), ', '
                                   order by w.table_schema, w.table_name) end
      from audit.ward_scoped_table w
     where w.status = 'unprotected'
$$;
comment on function ops.check_ward_rls() is
    'Integrity check: tables, views and materialized views carrying ward data (audit.ward_scoped_table) '
    'that are neither protected by row-level security (or closed grants) nor exempt. FAIL when any. '
    'Cost: catalog lookups only.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('post_orphans', 'ops.check_post_orphans', 'Posts whose ward, author or e-paper is missing'),
    ('post_fingerprints', 'ops.check_post_fingerprints', 'Posts without a fingerprint row, fingerprints without a post'),
    ('duplicate_epapers', 'ops.check_duplicate_epapers', 'Same publication, date and ward stored twice'),
    ('default_partitions', 'ops.check_default_partitions', 'Rows stuck in default partitions'),
    ('future_partitions', 'ops.check_future_partitions', 'Partitions missing for the coming months'),
    ('vocabularies', 'ops.check_vocabularies', 'Values outside the canonical emotion and party vocabularies'),
    ('ward_rls', 'ops.check_ward_rls', 'Ward data without row-level security');

commit;
