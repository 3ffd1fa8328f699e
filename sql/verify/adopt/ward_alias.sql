-- Verify lokdarpan:adopt/ward_alias on pg

begin;

select 'adopt.ward_alias'::regclass, 'adopt.ward_for(text)'::regprocedure;
select 1 / (adopt.ward_key(' Dr. A.S.  Rao Nagar ') = 'dr a s rao nagar')::int;

rollback;
