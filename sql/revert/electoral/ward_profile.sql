-- Revert lokdarpan:electoral/ward_profile from pg

begin;

drop function electoral.refresh_ward_profile(bigint);
drop table electoral.ward_features;
drop table electoral.ward_demographics;
drop table electoral.ward_profile;

commit;
