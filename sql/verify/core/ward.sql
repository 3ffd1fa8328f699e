-- Verify lokdarpan:core/ward on pg

begin;

select 1 / (count(*) >= 145)::int from core.ward;
select 1 / (core.ward_lookup('  jubilee   HILLS ') = 'Jubilee Hills')::int;
select 1 / (core.ward_suggestions('jubilee hils', 1) = array['Jubilee Hills'])::int;

rollback;
