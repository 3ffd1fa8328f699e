-- Revert lokdarpan:ops/core_checks from pg
-- Back to the definition of ops/core_checks@v1.0.0 (a correlated NOT EXISTS per post and reference).

begin;

create or replace function ops.check_post_orphans()
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

commit;
