-- Verify lokdarpan:knowledge/campaign_position on pg

begin;

insert into knowledge.campaign_position (party, ward_name, topic, stance, statement)
values ('INC', 'Kapra', 'water_supply', 'support', 'verify statement');
select 1 / count(*) from knowledge.campaign_position where statement = 'verify statement';
do $$
begin
    insert into knowledge.campaign_position (party, topic, stance, statement) values ('TRS', 'roads', 'support', 'x');
    raise exception 'a non-canonical party was accepted';
exception when foreign_key_violation then
    null;
end
$$;

rollback;
