-- Revert lokdarpan:knowledge/campaign_position from pg

begin;

drop table knowledge.campaign_position;

commit;
