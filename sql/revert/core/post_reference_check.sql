-- Revert lokdarpan:core/post_reference_check from pg
-- Back to the LIMIT 1 form of the reference check.

begin;

create or replace function core.tg_post__check_references()
returns trigger
language plpgsql
set search_path = pg_catalog, core
as $$
declare
    v_bad record;
begin
    -- one pass over the new rows, three hash anti-joins
    select n.city, n.author_id, n.epaper_id,
           w.ward_name is null as bad_ward,
           n.author_id is not null and a.author_id is null as bad_author
      into v_bad
      from new_rows n
      left join core.ward w on w.ward_name = n.city
      left join core.author a on a.author_id = n.author_id
      left join core.epaper e on e.epaper_id = n.epaper_id
     where w.ward_name is null
        or (n.author_id is not null and a.author_id is null)
        or (n.epaper_id is not null and e.epaper_id is null)
     limit 1;
    if found then
        if v_bad.bad_ward then
            raise exception 'city % of core.post is not a ward (core.ward)', quote_nullable(v_bad.city)
                using errcode = 'foreign_key_violation';
        elsif v_bad.bad_author then
            raise exception 'author_id % of core.post is not in core.author', v_bad.author_id
                using errcode = 'foreign_key_violation';
        end if;
        raise exception 'epaper_id % of core.post is not in core.epaper', v_bad.epaper_id
            using errcode = 'foreign_key_violation';
    end if;
    return null;
end
$$;
comment on function core.tg_post__check_references() is
    'Statement trigger on core.post: every new row''s city, author_id and epaper_id must exist '
    '(one anti-join per statement); raises foreign_key_violation (23503) otherwise.';

commit;
