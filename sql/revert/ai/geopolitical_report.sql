-- Revert lokdarpan:ai/geopolitical_report from pg

begin;

drop table ai.geopolitical_report;

commit;
