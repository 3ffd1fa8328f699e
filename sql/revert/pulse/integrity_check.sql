-- Revert lokdarpan:pulse/integrity_check from pg

begin;

delete from ops.integrity_check where check_name = 'pulse_sentiment_default_partition';
drop function pulse.check_sentiment_default_partition();

commit;
