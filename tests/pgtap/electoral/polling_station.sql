-- Behaviour of electoral/polling_station (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into electoral.election (election_type, election_year) values ('GHMC', 2020);
insert into electoral.polling_station (form20_id, station_name, assembly_constituency, ward_name)
values ('verify-ps-1', 'Verify School', 'Uppal', 'Kapra');
select ok(count(*) > 0, 'electoral/polling_station: check 1') from electoral.polling_station p join core.ward w using (ward_name)
 where p.form20_id = 'verify-ps-1';
select lives_ok($tap$
do $$
begin
    insert into electoral.election (election_type, election_year) values ('MAYOR', 2020);
    raise exception 'an unknown election type was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'electoral/polling_station: check 2');

select * from finish();
rollback;
