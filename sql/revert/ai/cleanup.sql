-- Revert lokdarpan:ai/cleanup from pg

begin;

drop function ai.ai_cleanup_expired_data(timestamptz, interval, interval, integer, interval, interval);

commit;
