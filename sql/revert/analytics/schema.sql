-- Revert lokdarpan:analytics/schema from pg

begin;

drop schema analytics;

commit;
