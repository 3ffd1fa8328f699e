-- Deploy lokdarpan:crisis/response to pg
-- requires: crisis/crisis_event
-- requires: core/ward
-- requires: core/alert
-- requires: core/app_user
-- requires: core/touch_updated_at
-- Phase 4: what happens after detection: response workflows (steps, current step, completion),
-- real-time notifications to responders, the communication log, and per-crisis performance
-- metrics computed from the event timeline (never negative, never "met" when unknown).

begin;

create table crisis.response_workflow (
    workflow_id     bigint generated always as identity constraint pk_response_workflow primary key,
    crisis_id       bigint not null constraint fk_response_workflow__crisis_id references crisis.crisis_event (crisis_id) on delete cascade,
    workflow_name   text not null,
    steps           jsonb not null,
    current_step    integer not null default 0,
    completion_pct  numeric(5, 2) generated always as (
        round(100.0 * current_step / nullif(case when jsonb_typeof(steps) = 'array'
                                                 then jsonb_array_length(steps) end, 0), 2)) stored,
    status          text not null default 'pending',
    assigned_to     bigint constraint fk_response_workflow__assigned_to references core.app_user (user_id),
    started_at      timestamptz,
    completed_at    timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint ck_response_workflow__steps check (
        case when jsonb_typeof(steps) = 'array' then jsonb_array_length(steps) >= 1 else false end),
    constraint ck_response_workflow__current_step check (
        current_step >= 0
        and current_step <= case when jsonb_typeof(steps) = 'array' then jsonb_array_length(steps) end),
    constraint ck_response_workflow__status check (status in ('pending', 'active', 'completed', 'cancelled')),
    constraint ck_response_workflow__completed check (
        (status = 'completed') = (completed_at is not null)
        and (status <> 'completed'
             or current_step = case when jsonb_typeof(steps) = 'array' then jsonb_array_length(steps) end)),
    constraint ck_response_workflow__started check (status = 'pending' or started_at is not null),
    constraint ck_response_workflow__order check (completed_at >= started_at)
);
create index ix_response_workflow__crisis_id on crisis.response_workflow (crisis_id);
create index ix_response_workflow__assigned_to__status on crisis.response_workflow (assigned_to, status);
create trigger tg_response_workflow__touch_updated_at
    before update on crisis.response_workflow
    for each row execute function core.tg__touch_updated_at();
comment on table crisis.response_workflow is 'Response workflows of a crisis: ordered steps and progress.';
comment on column crisis.response_workflow.steps is
    'jsonb array of steps (objects such as {"name": ..., "owner": ..., "sla_minutes": ...}); at least one.';
comment on column crisis.response_workflow.current_step is
    'Number of steps completed = 0-based index of the step in progress (= number of steps when done).';
comment on column crisis.response_workflow.completion_pct is 'Generated: current_step / number of steps x 100 (2 places).';
comment on column crisis.response_workflow.status is 'pending, active (started_at set), completed (all steps, completed_at set) or cancelled.';

create table crisis.real_time_notification (
    notification_id    bigint generated always as identity constraint pk_real_time_notification primary key,
    crisis_id          bigint constraint fk_real_time_notification__crisis_id references crisis.crisis_event (crisis_id) on delete cascade,
    alert_id           bigint constraint fk_real_time_notification__alert_id references core.alert (alert_id) on delete cascade,
    ward_name          text constraint fk_real_time_notification__ward_name references core.ward (ward_name),
    recipient_user_id  bigint not null constraint fk_real_time_notification__recipient_user_id references core.app_user (user_id),
    channel            text not null,
    priority           text not null default 'normal',
    payload            jsonb not null default '{}',
    status             text not null default 'queued',
    created_at         timestamptz not null default now(),
    sent_at            timestamptz,
    delivered_at       timestamptz,
    read_at            timestamptz,
    constraint ck_real_time_notification__subject check (crisis_id is not null or alert_id is not null),
    constraint ck_real_time_notification__channel check (channel in ('in_app', 'push', 'sms', 'email', 'whatsapp')),
    constraint ck_real_time_notification__priority check (priority in ('low', 'normal', 'high', 'urgent')),
    constraint ck_real_time_notification__payload check (jsonb_typeof(payload) = 'object'),
    constraint ck_real_time_notification__status check (status in ('queued', 'sent', 'delivered', 'read', 'failed')),
    constraint ck_real_time_notification__order check (
        sent_at >= created_at and delivered_at >= sent_at and read_at >= coalesce(delivered_at, sent_at)),
    constraint ck_real_time_notification__state check (
        (status not in ('sent', 'delivered', 'read') or sent_at is not null)
        and (status not in ('delivered', 'read') or delivered_at is not null)
        and (status <> 'read' or read_at is not null))
);
create index ix_real_time_notification__recipient__status__created_at
    on crisis.real_time_notification (recipient_user_id, status, created_at desc);
create index ix_real_time_notification__crisis_id on crisis.real_time_notification (crisis_id);
create index ix_real_time_notification__alert_id on crisis.real_time_notification (alert_id);
create index ix_real_time_notification__ward_name__created_at on crisis.real_time_notification (ward_name, created_at desc);
comment on table crisis.real_time_notification is
    'Notifications to responders about a crisis or an alert, with delivery state and timestamps '
    '(created <= sent <= delivered <= read).';
comment on column crisis.real_time_notification.ward_name is 'Ward the notification concerns (core.ward), if one.';
comment on column crisis.real_time_notification.channel is 'in_app, push, sms, email or whatsapp.';
comment on column crisis.real_time_notification.priority is 'low, normal, high or urgent.';
comment on column crisis.real_time_notification.payload is 'jsonb object rendered by the client.';
comment on column crisis.real_time_notification.status is 'queued, sent, delivered, read or failed; the matching timestamps are set.';

create table crisis.crisis_communication_log (
    log_id           bigint generated always as identity constraint pk_crisis_communication_log primary key,
    crisis_id        bigint not null constraint fk_crisis_communication_log__crisis_id references crisis.crisis_event (crisis_id) on delete cascade,
    ward_name        text constraint fk_crisis_communication_log__ward_name references core.ward (ward_name),
    direction        text not null,
    channel          text not null,
    audience         text,
    message          text not null,
    approval_status  text not null default 'draft',
    approved_by      bigint constraint fk_crisis_communication_log__approved_by references core.app_user (user_id),
    sent_by          bigint constraint fk_crisis_communication_log__sent_by references core.app_user (user_id),
    sent_at          timestamptz,
    metadata         jsonb not null default '{}',
    created_at       timestamptz not null default now(),
    constraint ck_crisis_communication_log__direction check (direction in ('inbound', 'outbound', 'internal')),
    constraint ck_crisis_communication_log__channel check (channel in (
        'press', 'social_media', 'whatsapp', 'sms', 'email', 'phone', 'meeting', 'in_app')),
    constraint ck_crisis_communication_log__message check (btrim(message) <> ''),
    constraint ck_crisis_communication_log__approval check (approval_status in
        ('draft', 'approved', 'sent', 'retracted')),
    constraint ck_crisis_communication_log__approved check (
        approval_status not in ('approved', 'sent') or approved_by is not null),
    constraint ck_crisis_communication_log__sent check (approval_status <> 'sent' or sent_at is not null),
    constraint ck_crisis_communication_log__metadata check (jsonb_typeof(metadata) = 'object')
);
create index ix_crisis_communication_log__crisis_id__created_at on crisis.crisis_communication_log (crisis_id, created_at);
create index ix_crisis_communication_log__ward_name on crisis.crisis_communication_log (ward_name);
create index ix_crisis_communication_log__approved_by on crisis.crisis_communication_log (approved_by);
create index ix_crisis_communication_log__sent_by on crisis.crisis_communication_log (sent_by);
comment on table crisis.crisis_communication_log is
    'Every message in and out during a crisis, with approval state (outbound messages are '
    'approved before they are sent).';
comment on column crisis.crisis_communication_log.direction is 'inbound, outbound or internal.';
comment on column crisis.crisis_communication_log.channel is 'press, social_media, whatsapp, sms, email, phone, meeting or in_app.';
comment on column crisis.crisis_communication_log.audience is 'Who the message is for (public, media, ward office, party cadre...).';
comment on column crisis.crisis_communication_log.approval_status is 'draft, approved (approver set), sent (sent_at set) or retracted.';

create table crisis.crisis_performance_metrics (
    crisis_id                        bigint constraint pk_crisis_performance_metrics primary key constraint fk_crisis_performance_metrics__crisis_id references crisis.crisis_event (crisis_id) on delete cascade,
    detection_to_response_minutes    numeric(12, 2),
    detection_to_resolution_minutes  numeric(12, 2),
    target_response_minutes          integer not null default 15,
    met_response_target              boolean generated always as (
        detection_to_response_minutes <= target_response_minutes) stored,
    workflows                        integer not null default 0,
    workflow_completion_pct          numeric(5, 2),
    notifications_sent               integer not null default 0,
    messages_sent                    integer not null default 0,
    wards_affected                   integer not null default 0,
    computed_at                      timestamptz not null default now(),
    constraint ck_crisis_performance_metrics__minutes check (
        detection_to_response_minutes >= 0 and detection_to_resolution_minutes >= 0),
    constraint ck_crisis_performance_metrics__target check (target_response_minutes > 0),
    constraint ck_crisis_performance_metrics__counts check (
        workflows >= 0 and notifications_sent >= 0 and messages_sent >= 0 and wards_affected >= 0),
    constraint ck_crisis_performance_metrics__completion check (workflow_completion_pct between 0 and 100)
);
comment on table crisis.crisis_performance_metrics is
    'Response performance per crisis, written by crisis.compute_performance_metrics().';
comment on column crisis.crisis_performance_metrics.detection_to_response_minutes is
    'first_response_at - detected_at in minutes (2 places, sub-second exact); NULL without a response.';
comment on column crisis.crisis_performance_metrics.detection_to_resolution_minutes is
    'resolved_at - detected_at in minutes (2 places); NULL while unresolved.';
comment on column crisis.crisis_performance_metrics.target_response_minutes is 'Response target in minutes (15 by default).';
comment on column crisis.crisis_performance_metrics.met_response_target is
    'Generated: response within target; NULL (not true) while there is no response.';
comment on column crisis.crisis_performance_metrics.workflow_completion_pct is 'Mean completion_pct of the crisis''s workflows.';
comment on column crisis.crisis_performance_metrics.notifications_sent is 'Notifications of the crisis that were sent (sent_at set).';
comment on column crisis.crisis_performance_metrics.messages_sent is 'Outbound communication-log messages with status sent.';

create function crisis.compute_performance_metrics(p_crisis_id bigint default null,
                                                   p_target_minutes integer default 15)
returns setof crisis.crisis_performance_metrics
language sql
volatile
set search_path = pg_catalog, crisis
as $$
    insert into crisis.crisis_performance_metrics as m
        (crisis_id, detection_to_response_minutes, detection_to_resolution_minutes, target_response_minutes,
         workflows, workflow_completion_pct, notifications_sent, messages_sent, wards_affected, computed_at)
    select e.crisis_id,
           round(extract(epoch from (e.first_response_at - e.detected_at)) / 60, 2),
           round(extract(epoch from (e.resolved_at - e.detected_at)) / 60, 2),
           p_target_minutes,
           (select count(*) from crisis.response_workflow w where w.crisis_id = e.crisis_id),
           (select round(avg(w.completion_pct), 2) from crisis.response_workflow w where w.crisis_id = e.crisis_id),
           (select count(*) from crisis.real_time_notification n
             where n.crisis_id = e.crisis_id and n.sent_at is not null),
           (select count(*) from crisis.crisis_communication_log l
             where l.crisis_id = e.crisis_id and l.direction = 'outbound' and l.approval_status = 'sent'),
           (select count(*) from crisis.crisis_event_ward cw where cw.crisis_id = e.crisis_id),
           now()
      from crisis.crisis_event e
     where p_crisis_id is null or e.crisis_id = p_crisis_id
    on conflict (crisis_id) do update
       set detection_to_response_minutes = excluded.detection_to_response_minutes,
           detection_to_resolution_minutes = excluded.detection_to_resolution_minutes,
           target_response_minutes = excluded.target_response_minutes,
           workflows = excluded.workflows,
           workflow_completion_pct = excluded.workflow_completion_pct,
           notifications_sent = excluded.notifications_sent,
           messages_sent = excluded.messages_sent,
           wards_affected = excluded.wards_affected,
           computed_at = excluded.computed_at
    returning m.*
$$;
comment on function crisis.compute_performance_metrics(bigint, integer) is
    'Computes and upserts crisis.crisis_performance_metrics for one crisis (or all with NULL) '
    'against a response target of p_target_minutes, and returns the rows written. Minutes come '
    'from the exact interval (extract(epoch) / 60, 2 places: 0.4 s is 0.01 min, not 0), are '
    'never negative (timestamps are ordered by constraint) and NULL when the response or '
    'resolution has not happened; met_response_target is then NULL, not true. Cost: a few '
    'indexed counts per crisis.';

commit;
