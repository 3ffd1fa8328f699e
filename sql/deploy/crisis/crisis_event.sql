-- Deploy lokdarpan:crisis/crisis_event to pg
-- requires: crisis/schema
-- requires: core/ward
-- requires: core/alert
-- requires: core/app_user
-- requires: core/touch_updated_at
-- Phase 4 (crisis response): crisis events with type, severity (low .. catastrophic), status
-- and the detected / first response / resolved timestamps, which must be ordered. The
-- geographic scope is a junction table crisis_event_ward with foreign keys to the ward
-- registry (a text[] of ward names could not carry one), indexed by ward for the
-- "open crises of this ward" lookup the sub-15-minute coordination depends on.

begin;

create table crisis.crisis_event (
    crisis_id          bigint generated always as identity constraint pk_crisis_event primary key,
    crisis_type        text not null,
    severity           text not null,
    severity_rank      smallint generated always as (
        case severity when 'low' then 1 when 'medium' then 2 when 'high' then 3
                      when 'critical' then 4 when 'catastrophic' then 5 end) stored,
    priority_score     numeric(5, 2) not null default 50,
    title              text not null,
    description        text,
    status             text not null default 'detected',
    is_open            boolean generated always as (
        status not in ('resolved', 'closed', 'false_alarm')) stored,
    source             text,
    alert_id           bigint constraint fk_crisis_event__alert_id references core.alert (alert_id),
    detected_at        timestamptz not null default now(),
    first_response_at  timestamptz,
    resolved_at        timestamptz,
    created_by         bigint constraint fk_crisis_event__created_by references core.app_user (user_id),
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint ck_crisis_event__type check (crisis_type in (
        'natural_disaster', 'flooding', 'infrastructure_failure', 'civic_service_outage',
        'public_health', 'law_and_order', 'communal_tension', 'political_controversy',
        'misinformation', 'protest', 'other')),
    constraint ck_crisis_event__severity check (severity in ('low', 'medium', 'high', 'critical', 'catastrophic')),
    constraint ck_crisis_event__priority check (priority_score between 0 and 100),
    constraint ck_crisis_event__title check (btrim(title) <> ''),
    constraint ck_crisis_event__status check (status in (
        'detected', 'confirmed', 'responding', 'contained', 'resolved', 'closed', 'false_alarm')),
    constraint ck_crisis_event__first_response_order check (first_response_at >= detected_at),
    constraint ck_crisis_event__resolved_order check (resolved_at >= coalesce(first_response_at, detected_at)),
    constraint ck_crisis_event__responding check (
        status not in ('responding', 'contained') or first_response_at is not null),
    constraint ck_crisis_event__resolved check (
        status not in ('resolved', 'closed') or resolved_at is not null),
    constraint ck_crisis_event__open_unresolved check (resolved_at is null or not is_open)
);
create index ix_crisis_event__open_priority
    on crisis.crisis_event (severity_rank desc, priority_score desc, detected_at, crisis_id)
    where is_open;
create index ix_crisis_event__detected_at on crisis.crisis_event (detected_at desc);
create index ix_crisis_event__alert_id on crisis.crisis_event (alert_id);
create index ix_crisis_event__created_by on crisis.crisis_event (created_by);
create trigger tg_crisis_event__touch_updated_at
    before update on crisis.crisis_event
    for each row execute function core.tg__touch_updated_at();
comment on table crisis.crisis_event is
    'Crises: type, severity, status and response timeline (detected_at <= first_response_at <= '
    'resolved_at). The wards affected are in crisis.crisis_event_ward.';
comment on column crisis.crisis_event.crisis_type is
    'natural_disaster, flooding, infrastructure_failure, civic_service_outage, public_health, '
    'law_and_order, communal_tension, political_controversy, misinformation, protest or other.';
comment on column crisis.crisis_event.severity is 'low, medium, high, critical or catastrophic.';
comment on column crisis.crisis_event.severity_rank is 'Generated: 1 (low) .. 5 (catastrophic), for ordering.';
comment on column crisis.crisis_event.priority_score is 'Response priority 0-100 within a severity (higher first).';
comment on column crisis.crisis_event.status is
    'detected, confirmed, responding / contained (first_response_at set), resolved / closed '
    '(resolved_at set) or false_alarm.';
comment on column crisis.crisis_event.is_open is 'Generated: status is not resolved, closed or false_alarm.';
comment on column crisis.crisis_event.source is 'Where the crisis was detected (alert, social media, helpline, field team...).';
comment on column crisis.crisis_event.alert_id is 'Ward alert (core.alert) that raised the crisis, if any.';
comment on column crisis.crisis_event.detected_at is 'When the crisis was detected; start of every response timing.';
comment on column crisis.crisis_event.first_response_at is 'First response action; at or after detected_at.';
comment on column crisis.crisis_event.resolved_at is 'Resolution; at or after first_response_at (or detected_at without response).';

create table crisis.crisis_event_ward (
    crisis_id  bigint not null constraint fk_crisis_event_ward__crisis_id references crisis.crisis_event (crisis_id) on delete cascade,
    ward_name  text not null constraint fk_crisis_event_ward__ward_name references core.ward (ward_name),
    is_open    boolean not null default true,
    constraint pk_crisis_event_ward primary key (crisis_id, ward_name)
);
create index ix_crisis_event_ward__ward_name__crisis_id on crisis.crisis_event_ward (ward_name, crisis_id);
create index ix_crisis_event_ward__ward_name__open on crisis.crisis_event_ward (ward_name, crisis_id) where is_open;
comment on table crisis.crisis_event_ward is
    'Geographic scope of a crisis: one row per affected ward (foreign keys to both sides).';
comment on column crisis.crisis_event_ward.is_open is
    'Copy of crisis_event.is_open kept by triggers, so "open crises of a ward" reads only the open '
    'part of the ward''s history (partial index ix_crisis_event_ward__ward_name__open).';

create function crisis.tg_crisis_event_ward__copy_is_open()
returns trigger
language plpgsql
set search_path = pg_catalog, crisis
as $$
begin
    select e.is_open into new.is_open from crisis.crisis_event e where e.crisis_id = new.crisis_id;
    new.is_open := coalesce(new.is_open, true);  -- unknown crisis: the foreign key refuses the row
    return new;
end
$$;
comment on function crisis.tg_crisis_event_ward__copy_is_open() is
    'Before insert / update on crisis_event_ward: copies is_open from the crisis (one primary-key lookup).';
create trigger tg_crisis_event_ward__copy_is_open
    before insert or update on crisis.crisis_event_ward
    for each row execute function crisis.tg_crisis_event_ward__copy_is_open();

create function crisis.tg_crisis_event__propagate_is_open()
returns trigger
language plpgsql
set search_path = pg_catalog, crisis
as $$
begin
    update crisis.crisis_event_ward cw set is_open = new.is_open where cw.crisis_id = new.crisis_id;
    return null;
end
$$;
comment on function crisis.tg_crisis_event__propagate_is_open() is
    'After update on crisis_event when is_open changed: updates the copy in crisis_event_ward.';
create trigger tg_crisis_event__propagate_is_open
    after update on crisis.crisis_event
    for each row when (old.is_open is distinct from new.is_open)
    execute function crisis.tg_crisis_event__propagate_is_open();

create function crisis.set_crisis_scope(p_crisis_id bigint, p_wards text[])
returns integer
language plpgsql
volatile
set search_path = pg_catalog, crisis, core
as $$
declare
    v_wards text[];
    v_rows  integer;
begin
    if not exists (select 1 from crisis.crisis_event e where e.crisis_id = p_crisis_id) then
        raise exception 'crisis % does not exist', p_crisis_id using errcode = 'no_data_found';
    end if;
    -- resolve every name first (raises P0002 with suggestions for an unknown ward)
    select coalesce(array_agg(distinct core.resolve_ward(n.name)), '{}') into v_wards
      from unnest(p_wards) n (name)
     where n.name is not null;
    delete from crisis.crisis_event_ward cw
     where cw.crisis_id = p_crisis_id and cw.ward_name <> all (v_wards);
    insert into crisis.crisis_event_ward (crisis_id, ward_name)
    select p_crisis_id, w from unnest(v_wards) w
    on conflict do nothing;
    select count(*) into v_rows from crisis.crisis_event_ward cw where cw.crisis_id = p_crisis_id;
    return v_rows;
end
$$;
comment on function crisis.set_crisis_scope(bigint, text[]) is
    'Sets the wards affected by a crisis to exactly p_wards (names resolved ignoring case and '
    'spaces; P0002 for an unknown ward or crisis). Returns the number of wards in scope. Cost: '
    'one lookup per ward.';

commit;
