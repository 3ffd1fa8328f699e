-- Verify lokdarpan:demography/service_gap on pg

begin;

insert into demography.service_gap_analysis (ward_name, service, demand_score, supply_score)
values ('Kapra', 'water_supply', 80, 35);
select 1 / count(*) from demography.service_gap_analysis where ward_name = 'Kapra' and gap_score = 45;
insert into demography.demographic_insight (ward_name, insight_type, insight_text, confidence, expires_at)
values ('Kapra', 'service_gap', 'verify insight', 0.7, now() + interval '30 days');
do $$
begin
    update demography.demographic_insight set review_status = 'approved' where insight_text = 'verify insight';
    raise exception 'an approval without reviewer was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
