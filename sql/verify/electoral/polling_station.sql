-- Verify lokdarpan:electoral/polling_station on pg

begin;

insert into electoral.election (election_type, election_year) values ('GHMC', 2020);
insert into electoral.polling_station (form20_id, station_name, assembly_constituency, ward_name)
values ('verify-ps-1', 'Verify School', 'Uppal', 'Kapra');
select 1 / count(*) from electoral.polling_station p join core.ward w using (ward_name)
 where p.form20_id = 'verify-ps-1';
do $$
begin
    insert into electoral.election (election_type, election_year) values ('MAYOR', 2020);
    raise exception 'an unknown election type was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
