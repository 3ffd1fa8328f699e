-- Behaviour of core/ward (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

select ok(count(*) >= 145, 'core/ward: check 1') from core.ward;
select ok(core.ward_lookup('  jubilee   HILLS ') = 'Jubilee Hills', 'core/ward: check 2');
select ok(core.ward_suggestions('jubilee hils', 1) = array['Jubilee Hills'], 'core/ward: check 3');

select * from finish();
rollback;
