-- Deploy lokdarpan:core/post_reference_check to pg
-- requires: core/post
-- The statement-level reference check on core.post ended in LIMIT 1: the planner then probed
-- the ward index once per inserted row (a trigram index, ~13 us a probe: a tenth of a bulk
-- insert's time). Aggregates over the whole transition table let it hash-join the 145 wards.
-- Same checks, same errors (the smallest offending value is named).

begin;

create or replace function core.tg_post__check_references()
returns trigger
language plpgsql
set search_path = pg_catalog, core
as $$
declare
    v_bad_ward    boolean;
    v_bad_author  boolean;
    v_bad_epaper  boolean;
    v_city        text;
    v_author      bigint;
    v_epaper      bigint;
begin
    -- one pass over the new rows and no LIMIT: with a LIMIT 1 the planner probed an index once
    -- per new row (the ward lookup alone cost ~13 us per post); aggregates let it hash-join
    select bool_or(w.ward_name is null), min(n.city) filter (where w.ward_name is null),
           bool_or(n.author_id is not null and a.author_id is null),
           min(n.author_id) filter (where n.author_id is not null and a.author_id is null),
           bool_or(n.epaper_id is not null and e.epaper_id is null),
           min(n.epaper_id) filter (where n.epaper_id is not null and e.epaper_id is null)
      into v_bad_ward, v_city, v_bad_author, v_author, v_bad_epaper, v_epaper
      from new_rows n
      left join core.ward w on w.ward_name = n.city
      left join core.author a on a.author_id = n.author_id
      left join core.epaper e on e.epaper_id = n.epaper_id;
    if v_bad_ward then
        raise exception 'city % of core.post is not a ward (core.ward)', quote_nullable(v_city)
            using errcode = 'foreign_key_violation';
    elsif v_bad_author then
        raise exception 'author_id % of core.post is not in core.author', v_author
            using errcode = 'foreign_key_violation';
    elsif v_bad_epaper then
        raise exception 'epaper_id % of core.post is not in core.epaper', v_epaper
            using errcode = 'foreign_key_violation';
    end if;
    return null;
end
$$;
comment on function core.tg_post__check_references() is
    'Statement trigger on core.post: every new row''s city, author_id and epaper_id must exist '
    '(one hash or index anti-join per reference per statement); raises foreign_key_violation (23503) '
    'naming the smallest offending value otherwise.';

commit;
