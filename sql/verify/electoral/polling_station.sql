-- Verify lokdarpan:electoral/polling_station on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/electoral/polling_station.sql.

begin;

select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.election'::regclass and attnum > 0 and not attisdropped
   and attname in ('election_id', 'election_type', 'election_year', 'election_round', 'official_reference', 'polling_date', 'created_at');
select 1 / (count(*) = 11)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.polling_station'::regclass and attnum > 0 and not attisdropped
   and attname in ('polling_station_id', 'form20_id', 'station_name', 'address', 'latitude', 'longitude', 'assembly_constituency', 'parliamentary_constituency', 'ward_name', 'created_at', 'updated_at');
select 'electoral.ix_polling_station__ward_name'::regclass;
select 'electoral.ix_polling_station__assembly_constituency'::regclass;
select 'electoral.ix_polling_station__parliamentary_constituency'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'electoral.polling_station'::regclass and tgname = 'tg_polling_station__touch_updated_at';

rollback;
