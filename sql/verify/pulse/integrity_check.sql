-- Verify lokdarpan:pulse/integrity_check on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/pulse/integrity_check.sql.

begin;

select 'pulse.check_sentiment_default_partition()'::regprocedure;

rollback;
