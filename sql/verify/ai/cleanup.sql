-- Verify lokdarpan:ai/cleanup on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/cleanup.sql.

begin;

select 'ai.ai_cleanup_expired_data(timestamptz, interval, interval, int4, interval, interval)'::regprocedure;

rollback;
