-- Deploy lokdarpan:adopt/ward_month to pg
-- requires: adopt/sync
-- adopt verify per (ward, month) for posts: at the caller's snapshot, every legacy post counted
-- in its (ward, month) — the resolved ward for a post the rules adopt, the raw legacy label for
-- one they quarantine — against the adopted posts (core.post's ward and month) plus the
-- quarantined ones, with a checksum per group over the same digests as adopt.differences (the
-- mapped columns for adopted rows, the whole legacy row for quarantined ones). Posts with a
-- capture entry not applied yet are pending: counted apart, left out of both sides.

begin;

create function adopt.post_ward_months()
returns table (ward text, month date, legacy_rows bigint, adopted bigint, quarantined bigint, pending bigint,
               differs boolean)
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    st   adopt.table_state;
    v_ts text;
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
with p as (select distinct k.legacy_id from adopt.capture k where k.legacy_table = 'post'),
s as (%1$s),
l as (
select case when s.reason is null then s.city else coalesce(s.legacy ->> 'city', '(NULL)') end as ward,
       (s.created_at at time zone 'UTC')::date - (extract(day from s.created_at at time zone 'UTC')::int - 1) as month,
       exists (select 1 from p where p.legacy_id = s.legacy_id) as pending,
       case when s.reason is null then s.digest else md5(s.legacy::text) end as digest
  from s),
c as (%2$s),
a as (
select cp.city as ward,
       (cp.created_at at time zone 'UTC')::date - (extract(day from cp.created_at at time zone 'UTC')::int - 1) as month,
       c.digest, true as adopted
  from c join core.post cp on cp.post_id = c.legacy_id
 where not exists (select 1 from p where p.legacy_id = c.legacy_id)
union all
select coalesce(q.row ->> 'city', '(NULL)'),
       (%3$s at time zone 'UTC')::date - (extract(day from %3$s at time zone 'UTC')::int - 1),
       md5(q.row::text), false
  from adopt.quarantine q
 where q.legacy_table = 'post' and not exists (select 1 from p where p.legacy_id = q.legacy_id)),
lg as (
select l.ward, l.month, count(*) filter (where not l.pending) as n, count(*) filter (where l.pending) as pend,
       sum(('x' || left(l.digest, 15))::bit(60)::bigint::numeric) filter (where not l.pending) as h
  from l group by 1, 2),
ag as (
select a.ward, a.month, count(*) filter (where a.adopted) as na, count(*) filter (where not a.adopted) as nq,
       sum(('x' || left(a.digest, 15))::bit(60)::bigint::numeric) as h
  from a group by 1, 2)
select coalesce(lg.ward, ag.ward)::text, coalesce(lg.month, ag.month)::date,
       (coalesce(lg.n, 0) + coalesce(lg.pend, 0))::bigint, coalesce(ag.na, 0)::bigint, coalesce(ag.nq, 0)::bigint,
       coalesce(lg.pend, 0)::bigint,
       coalesce(lg.n, 0) <> coalesce(ag.na, 0) + coalesce(ag.nq, 0) or coalesce(lg.h, 0) <> coalesce(ag.h, 0)
  from lg full join ag on ag.ward = lg.ward and ag.month = lg.month
 order by 1, 2$q$,
        adopt.source_sql('post', st.legacy_schema, st.legacy_timezone, 'true'), adopt.core_digest_sql('post'), v_ts);
end
$$;
comment on function adopt.post_ward_months() is
    'Per (ward, month) of the legacy posts: legacy rows, adopted, quarantined, pending (capture '
    'not applied yet: no difference) and whether counts or the checksum of the digests differ. '
    'Reads every legacy and adopted post: run it in the REPEATABLE READ snapshot of adopt verify.';

commit;
