-- Revert lokdarpan:core/post_ward_terms from pg
-- Drops core.ix_post__ward_terms with every partition's index attached to it, the partitions'
-- indexes an interrupted deploy built but did not attach, and the two functions. One short
-- transaction under the lock ramp: dropping an index takes ACCESS EXCLUSIVE on the table it is on
-- (core.post and each partition) but is catalog only, milliseconds at any size;
-- analytics.search_posts before this change does not use the index.

begin;

drop index if exists core.ix_post__ward_terms;

do $$
declare
    v_index regclass;
begin
    -- leftovers of an interrupted deploy: a partition's index over core.ward_terms, not attached
    for v_index in
        select x.indexrelid::regclass
          from pg_catalog.pg_inherits i
          join pg_catalog.pg_index x on x.indrelid = i.inhrelid
          join pg_catalog.pg_class c on c.oid = x.indexrelid
         where i.inhparent = 'core.post'::regclass
           and c.relname = (select r.relname from pg_catalog.pg_class r where r.oid = i.inhrelid) || '_ward_terms_idx'
    loop
        execute format('drop index %s', v_index);
    end loop;
end
$$;

drop function core.ward_query_terms(text, tsquery);
drop function core.ward_terms(text, tsvector);

commit;
