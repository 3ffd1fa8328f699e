-- Verify lokdarpan:pulse/alert_response on pg

begin;

insert into core.alert (ward_name, description, priority_score, status, acknowledged_at)
values ('Kapra', 'verify response', 90, 'acknowledged', now());
select 1 / count(*) from core.alert
 where ward_name = 'Kapra' and status = 'acknowledged' and priority_score = 90;
select 1 / count(*) from pg_indexes
 where schemaname = 'core' and indexname = 'ix_alert__ward_name__status__priority_score';
do $$
begin
    insert into core.alert (ward_name, description, status) values ('Kapra', 'verify', 'resolved');
    raise exception 'a resolved alert without resolved_at was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
