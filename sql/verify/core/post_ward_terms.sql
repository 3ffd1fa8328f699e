-- Verify lokdarpan:core/post_ward_terms on pg
-- Shape only (catalog lookups and the functions on constant input, nothing read from data
-- tables): the valid partitioned index over core.ward_terms and both functions answering.
-- Behaviour: tests/core/test_ward_terms.py, tests/analytics (search_posts).

begin;

select 1 / (x.indisvalid and pg_catalog.pg_get_indexdef(x.indexrelid) like '%USING gin (core.ward_terms(city, search_vector))')::int
  from pg_catalog.pg_index x
 where x.indexrelid = 'core.ix_post__ward_terms'::regclass;
select 1 / (core.ward_terms('Kondapur', 'suppli:2 water:1') = array[E'Kondapur\x1fsuppli', E'Kondapur\x1fwater'])::int;
select 1 / (core.ward_query_terms('Kondapur', $$'water' & !'tanker'$$) = array[E'Kondapur\x1fwater'])::int;
select 1 / (core.ward_query_terms('Kondapur', $$'water' | 'tanker'$$) is null)::int;

rollback;
