-- Revert lokdarpan:pulse/alert_response from pg

begin;

drop index core.ix_alert__assigned_to;
drop index core.ix_alert__ward_name__status__priority_score;
alter table core.alert
    drop constraint ck_alert__response_order,
    drop constraint ck_alert__resolved,
    drop constraint ck_alert__acknowledged,
    drop constraint ck_alert__escalated,
    drop constraint ck_alert__escalation_level,
    drop constraint ck_alert__status,
    drop constraint ck_alert__priority_score,
    drop constraint fk_alert__assigned_to,
    drop column resolved_at,
    drop column acknowledged_at,
    drop column escalated_at,
    drop column escalation_level,
    drop column assigned_to,
    drop column status,
    drop column priority_score;

commit;
