-- Behaviour of core/alert (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

insert into core.alert (ward_name, description, created_at, updated_at)
values ('Kapra', 'verify', now() - interval '1 day', now() - interval '1 day');
update core.alert set description = 'verify 2' where description = 'verify';
select ok(count(*) > 0, 'core/alert: check 1') from core.alert where description = 'verify 2' and updated_at = now();

select * from finish();
rollback;
