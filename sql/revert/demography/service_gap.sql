-- Revert lokdarpan:demography/service_gap from pg

begin;

drop table demography.demographic_insight;
drop table demography.service_gap_analysis;

commit;
