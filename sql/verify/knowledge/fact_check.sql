-- Verify lokdarpan:knowledge/fact_check on pg

begin;

insert into knowledge.fact_check_result (claim_text, ward_name, verdict, confidence)
values ('verify claim', 'Kapra', 'mostly_false', 0.8);
select 1 / count(*) from knowledge.fact_check_result where claim_text = 'verify claim';
do $$
begin
    insert into knowledge.fact_check_result (claim_text, verdict, confidence) values ('x', 'pants_on_fire', 0.5);
    raise exception 'an unknown verdict was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
