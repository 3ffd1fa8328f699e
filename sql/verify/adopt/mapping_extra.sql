-- Verify lokdarpan:adopt/mapping_extra on pg
-- Shape only: the partial index exists and is valid. Behaviour: tests/adopt (cutover, rollback).

begin;

select 1 / count(*) from pg_catalog.pg_index i
 where i.indexrelid = 'adopt.ix_mapping__legacy_table__legacy_id__extra'::regclass and i.indisvalid;

rollback;
