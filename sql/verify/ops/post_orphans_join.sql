-- Verify lokdarpan:ops/post_orphans_join on pg

begin;

-- shape only: the joined form is deployed (the earlier definition has no join on core.ward)
select 1 / (position('left join core.ward w' in p.prosrc) > 0)::int
  from pg_catalog.pg_proc p
 where p.oid = 'ops.check_post_orphans()'::regprocedure;

rollback;
