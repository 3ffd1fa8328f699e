-- Deploy lokdarpan:adopt/ward_month to pg
-- requires: adopt/sync
-- adopt verify of the posts in one pass: at the caller's snapshot, every legacy post goes through
-- the source query once (adopt.source_sql in its verify form: digests and classification, no
-- fingerprints, no duplicate lookups), joined once with its adopted state, and that one joined set
-- gives both
--   * the per-id differences (the same rules as adopt.differences), and
--   * per (ward, month): every legacy post counted in its (ward, month) — the resolved ward for a
--     post the rules adopt, the raw legacy label for one they quarantine — against the adopted
--     posts (core.post's ward and month) plus the quarantined ones, with a checksum per group
--     over the same digests as the differences (the mapped columns for adopted rows, the whole
--     legacy row for quarantined ones).
-- Posts with a capture entry not applied yet are pending: counted apart, left out of both sides
-- and of the differences. Before, adopt.differences('post') and adopt.post_ward_months() each ran
-- the whole backfill source query (287 s for 1,000,000 posts; docs/adopt.md).

begin;

create function adopt.verify_post(p_after bigint default null, p_upto bigint default null)
returns table (legacy_id bigint, problem text, ward text, month date, legacy_rows bigint, adopted bigint,
               quarantined bigint, pending bigint, differs boolean, legacy_sum numeric, adopted_sum numeric)
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    st   adopt.table_state;
    v_ts text;
    -- the legacy ids (p_after, p_upto] (all when NULL): two sessions on one exported snapshot
    -- each take a range; the ranges' groups are added up by the caller (legacy_sum, adopted_sum)
    v_lo bigint := coalesce(p_after, -9223372036854775808);
    v_hi bigint := coalesce(p_upto, 9223372036854775807);
begin
    select * into st from adopt.table_state t where t.legacy_table = 'post';
    if not found then
        return;
    end if;
    -- a quarantined row's created_at as the source query reads it (naive: in the legacy time zone)
    v_ts := case when (select a.atttypid from pg_catalog.pg_attribute a
                        where a.attrelid = format('%I.post', st.legacy_schema)::regclass
                          and a.attname = 'created_at' and not a.attisdropped) = 'timestamp'::regtype
                 then format('((q.row ->> ''created_at'')::timestamp at time zone %L)', st.legacy_timezone)
                 else '(q.row ->> ''created_at'')::timestamptz' end;
    return query execute format($q$
with p as materialized (select distinct k.legacy_id from adopt.capture k where k.legacy_table = 'post'
                         and k.legacy_id > %5$s and k.legacy_id <= %6$s),
s as (%1$s),
c as (select c0.* from (%2$s) c0 where c0.legacy_id > %5$s and c0.legacy_id <= %6$s),
q as (select q0.legacy_id, q0.reason, q0.row from adopt.quarantine q0 where q0.legacy_table = 'post'
         and q0.legacy_id > %5$s and q0.legacy_id <= %6$s),
j as materialized (
select coalesce(s.legacy_id, c.legacy_id, q.legacy_id) as legacy_id, s.legacy_id is not null as in_legacy,
       s.reason, s.digest as legacy_digest, s.legacy, c.legacy_id is not null as adopted, c.digest as core_digest,
       q.legacy_id is not null as quarantined, q.reason as q_reason, q.row as q_row,
       p.legacy_id is not null as pending,
       -- the legacy side's group and checksum part
       case when s.reason is null then s.city else coalesce(s.legacy ->> 'city', '(NULL)') end as l_ward,
       (s.created_at at time zone 'UTC')::date - (extract(day from s.created_at at time zone 'UTC')::int - 1) as l_month,
       case when s.reason is null then s.digest else md5(s.legacy::text) end as l_digest,
       -- the adopted side's (core.post's ward and month; none when the core row is missing)
       case when c.has_core then c.city end as a_ward,
       (c.created_at at time zone 'UTC')::date - (extract(day from c.created_at at time zone 'UTC')::int - 1) as a_month,
       -- the quarantined side's (the raw legacy label and time it keeps)
       case when q.legacy_id is not null then coalesce(q.row ->> 'city', '(NULL)') end as q_ward,
       (%3$s at time zone 'UTC')::date - (extract(day from %3$s at time zone 'UTC')::int - 1) as q_month,
       md5(q.row::text) as q_digest
  from s
  full join c on c.legacy_id = s.legacy_id
  full join q on q.legacy_id = coalesce(s.legacy_id, c.legacy_id)
  left join p on p.legacy_id = coalesce(s.legacy_id, c.legacy_id, q.legacy_id)),
d as (%4$s),
lg as (
select j.l_ward as ward, j.l_month as month, count(*) filter (where not j.pending) as n,
       count(*) filter (where j.pending) as pend,
       -- sum(bigint) is numeric (exact, accumulated in 128 bits): no numeric cast per row
       sum(('x' || left(j.l_digest, 15))::bit(60)::bigint) filter (where not j.pending) as h
  from j where j.in_legacy group by 1, 2),
ag as (
select g.ward, g.month, count(*) filter (where g.adopted) as na, count(*) filter (where not g.adopted) as nq,
       sum(('x' || left(g.digest, 15))::bit(60)::bigint) as h
  from (select j.a_ward as ward, j.a_month as month, j.core_digest as digest, true as adopted
          from j where j.a_ward is not null and not j.pending
        union all
        select j.q_ward, j.q_month, j.q_digest, false
          from j where j.q_ward is not null and not j.pending) g
 group by 1, 2)
select d.legacy_id, d.problem, null::text, null::date, null::bigint, null::bigint, null::bigint, null::bigint,
       null::boolean, null::numeric, null::numeric
  from d
union all
select null::bigint, null::text, coalesce(lg.ward, ag.ward)::text, coalesce(lg.month, ag.month)::date,
       (coalesce(lg.n, 0) + coalesce(lg.pend, 0))::bigint, coalesce(ag.na, 0)::bigint, coalesce(ag.nq, 0)::bigint,
       coalesce(lg.pend, 0)::bigint,
       coalesce(lg.n, 0) <> coalesce(ag.na, 0) + coalesce(ag.nq, 0) or coalesce(lg.h, 0) <> coalesce(ag.h, 0),
       coalesce(lg.h, 0), coalesce(ag.h, 0)
  from lg full join ag on ag.ward = lg.ward and ag.month = lg.month
 order by 1, 3, 4$q$,
        adopt.source_sql('post', st.legacy_schema, st.legacy_timezone, format('l.id > %s and l.id <= %s', v_lo, v_hi),
                         p_verify => true),
        adopt.core_digest_sql('post'), v_ts, adopt.problems_sql('not j.pending'), v_lo, v_hi);
end
$$;
comment on function adopt.verify_post(bigint, bigint) is
    'adopt verify of the posts in one pass over the legacy and adopted posts: rows with legacy_id '
    'set are the differences (as adopt.differences(''post'')), rows with ward set the (ward, month) '
    'groups (as adopt.post_ward_months()) with their checksums (legacy_sum, adopted_sum). Only the '
    'legacy ids in (p_after, p_upto] (all when NULL): the groups of several ranges read at one '
    'snapshot add up (counts and sums; differs = counts or sums unequal). Pending capture entries '
    'are no difference. Run it in the REPEATABLE READ snapshot of adopt verify.';

create function adopt.post_ward_months()
returns table (ward text, month date, legacy_rows bigint, adopted bigint, quarantined bigint, pending bigint,
               differs boolean)
language sql
stable
set search_path = pg_catalog, adopt
as $$
    select v.ward, v.month, v.legacy_rows, v.adopted, v.quarantined, v.pending, v.differs
      from adopt.verify_post() v
     where v.legacy_id is null
     order by v.ward, v.month
$$;
comment on function adopt.post_ward_months() is
    'Per (ward, month) of the legacy posts: legacy rows, adopted, quarantined, pending (capture '
    'not applied yet: no difference) and whether counts or the checksum of the digests differ '
    '(the groups of adopt.verify_post). Reads every legacy and adopted post: run it in the '
    'REPEATABLE READ snapshot of adopt verify.';

commit;
