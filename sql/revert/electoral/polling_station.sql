-- Revert lokdarpan:electoral/polling_station from pg

begin;

drop table electoral.polling_station;
drop table electoral.election;

commit;
