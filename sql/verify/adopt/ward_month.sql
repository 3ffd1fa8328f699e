-- Verify lokdarpan:adopt/ward_month on pg

begin;

select 'adopt.post_ward_months()'::regprocedure, 'adopt.verify_post(bigint, bigint)'::regprocedure;

rollback;
