-- Verify lokdarpan:core/alert on pg

begin;

insert into core.alert (ward_name, description, created_at, updated_at)
values ('Kapra', 'verify', now() - interval '1 day', now() - interval '1 day');
update core.alert set description = 'verify 2' where description = 'verify';
select 1 / count(*) from core.alert where description = 'verify 2' and updated_at = now();

rollback;
