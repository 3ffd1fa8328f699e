-- Revert lokdarpan:adopt/ward_alias from pg

begin;

drop function adopt.ward_for(text);
drop table adopt.ward_alias;
delete from audit.ward_rls_exemption where table_schema = 'adopt' and table_name = 'ward_alias';
drop function adopt.ward_key(text);

commit;
