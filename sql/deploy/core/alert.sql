-- Deploy lokdarpan:core/alert to pg
-- requires: core/ward
-- requires: core/touch_updated_at
-- requires: core/app_user
-- Ward intelligence alerts: what an analyst should act on, with opportunities, threats and
-- actionable items as jsonb arrays, and the crisis-response workflow on each (phase 1 / phase 4
-- of the 145-ward guide): a priority score, a workflow status, an assignee, an escalation level
-- and the acknowledged / resolved timestamps, indexed for "open alerts of this ward by priority".

begin;

create table core.alert (
    alert_id           bigint generated always as identity,
    ward_name          text not null,
    description        text not null,
    severity           text not null default 'medium',
    opportunities      jsonb not null default '[]',
    threats            jsonb not null default '[]',
    actionable_alerts  jsonb not null default '[]',
    source_articles    jsonb not null default '[]',
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    priority_score     numeric(5, 2) not null default 50,
    status             text not null default 'new',
    assigned_to        bigint,
    escalation_level   smallint not null default 0,
    escalated_at       timestamptz,
    acknowledged_at    timestamptz,
    resolved_at        timestamptz,
    constraint pk_alert primary key (alert_id),
    constraint fk_alert__ward foreign key (ward_name) references core.ward (ward_name),
    constraint fk_alert__assigned_to foreign key (assigned_to) references core.app_user (user_id),
    constraint ck_alert__severity check (severity in ('low', 'medium', 'high', 'critical')),
    constraint ck_alert__opportunities check (jsonb_typeof(opportunities) = 'array'),
    constraint ck_alert__threats check (jsonb_typeof(threats) = 'array'),
    constraint ck_alert__actionable check (jsonb_typeof(actionable_alerts) = 'array'),
    constraint ck_alert__sources check (jsonb_typeof(source_articles) = 'array'),
    constraint ck_alert__priority_score check (priority_score between 0 and 100),
    constraint ck_alert__status check (status in
        ('new', 'acknowledged', 'in_progress', 'escalated', 'resolved', 'dismissed')),
    constraint ck_alert__escalation_level check (escalation_level between 0 and 5),
    constraint ck_alert__escalated check ((escalation_level > 0) = (escalated_at is not null)),
    constraint ck_alert__acknowledged check (
        acknowledged_at is not null or status in ('new', 'dismissed')),
    constraint ck_alert__resolved check ((status = 'resolved') = (resolved_at is not null)),
    constraint ck_alert__response_order check (
        acknowledged_at >= created_at and resolved_at >= coalesce(acknowledged_at, created_at)
        and escalated_at >= created_at)
);
create index ix_alert__ward_name__created_at on core.alert (ward_name, created_at desc);
create index ix_alert__ward_name__status__priority_score
    on core.alert (ward_name, status, priority_score desc);
create index ix_alert__assigned_to on core.alert (assigned_to);

create trigger tg_alert__touch_updated_at
    before update on core.alert
    for each row execute function core.tg__touch_updated_at();

comment on table core.alert is 'Ward alerts for analysts (severity low/medium/high/critical).';
comment on column core.alert.opportunities is 'jsonb array of opportunities for the ward.';
comment on column core.alert.threats is 'jsonb array of threats for the ward.';
comment on column core.alert.actionable_alerts is 'jsonb array of concrete actions.';
comment on column core.alert.source_articles is 'jsonb array of source references (URLs or ids).';
comment on column core.alert.updated_at is 'Set by trigger tg_alert__touch_updated_at on every update.';
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
