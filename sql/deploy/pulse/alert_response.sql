-- Deploy lokdarpan:pulse/alert_response to pg
-- requires: core/alert
-- requires: core/app_user
-- Crisis response on ward alerts (phase 1 / phase 4 of the 145-ward guide): core.alert gains a
-- priority score, a workflow status, an assignee, an escalation level and the acknowledged /
-- resolved timestamps, indexed for "open alerts of this ward by priority".

begin;

alter table core.alert
    add column priority_score    numeric(5, 2) not null default 50,
    add column status            text not null default 'new',
    add column assigned_to       bigint,
    add column escalation_level  smallint not null default 0,
    add column escalated_at      timestamptz,
    add column acknowledged_at   timestamptz,
    add column resolved_at       timestamptz,
    add constraint fk_alert__assigned_to foreign key (assigned_to) references core.app_user (user_id),
    add constraint ck_alert__priority_score check (priority_score between 0 and 100),
    add constraint ck_alert__status check (status in
        ('new', 'acknowledged', 'in_progress', 'escalated', 'resolved', 'dismissed')),
    add constraint ck_alert__escalation_level check (escalation_level between 0 and 5),
    add constraint ck_alert__escalated check ((escalation_level > 0) = (escalated_at is not null)),
    add constraint ck_alert__acknowledged check (
        acknowledged_at is not null or status in ('new', 'dismissed')),
    add constraint ck_alert__resolved check ((status = 'resolved') = (resolved_at is not null)),
    add constraint ck_alert__response_order check (
        acknowledged_at >= created_at and resolved_at >= coalesce(acknowledged_at, created_at)
        and escalated_at >= created_at);

create index ix_alert__ward_name__status__priority_score
    on core.alert (ward_name, status, priority_score desc);
create index ix_alert__assigned_to on core.alert (assigned_to);

comment on column core.alert.priority_score is 'Response priority 0-100 (higher first); 50 by default.';
comment on column core.alert.status is
    'Response workflow: new, acknowledged, in_progress, escalated, resolved (resolved_at set) or dismissed.';
comment on column core.alert.assigned_to is 'User (core.app_user) responsible for the response.';
comment on column core.alert.escalation_level is '0 = not escalated; 1-5 = escalation tier (escalated_at set).';
comment on column core.alert.escalated_at is 'When the alert was (last) escalated.';
comment on column core.alert.acknowledged_at is
    'When someone took the alert; required once status moves past new (except dismissed).';
comment on column core.alert.resolved_at is 'When the alert was resolved; set exactly when status = resolved.';

commit;
