-- Revert lokdarpan:adopt/ward_month from pg

begin;

drop function adopt.post_ward_months();
drop function adopt.verify_post(bigint, bigint);

commit;
