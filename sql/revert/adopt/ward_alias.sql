-- Revert lokdarpan:adopt/ward_alias from pg

begin;

drop function adopt.ward_for(text);
drop table adopt.ward_alias;
drop function adopt.ward_key(text);

commit;
