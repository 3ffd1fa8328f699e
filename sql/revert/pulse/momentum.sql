-- Revert lokdarpan:pulse/momentum from pg

begin;

drop function pulse.compute_ward_momentum(timestamptz, text, interval);
drop table pulse.ward_momentum_indicators;

commit;
