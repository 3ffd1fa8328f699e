-- Deploy lokdarpan:core/alert to pg
-- requires: core/ward
-- requires: core/touch_updated_at
-- Ward intelligence alerts: what an analyst should act on, with opportunities, threats and
-- actionable items as jsonb arrays.

begin;

create table core.alert (
    alert_id           bigint generated always as identity primary key,
    ward_name          text not null references core.ward (ward_name),
    description        text not null,
    severity           text not null default 'medium',
    opportunities      jsonb not null default '[]',
    threats            jsonb not null default '[]',
    actionable_alerts  jsonb not null default '[]',
    source_articles    jsonb not null default '[]',
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint ck_alert__severity check (severity in ('low', 'medium', 'high', 'critical')),
    constraint ck_alert__opportunities check (jsonb_typeof(opportunities) = 'array'),
    constraint ck_alert__threats check (jsonb_typeof(threats) = 'array'),
    constraint ck_alert__actionable check (jsonb_typeof(actionable_alerts) = 'array'),
    constraint ck_alert__sources check (jsonb_typeof(source_articles) = 'array')
);
create index ix_alert__ward_name__created_at on core.alert (ward_name, created_at desc);

create trigger tg_alert__touch_updated_at
    before update on core.alert
    for each row execute function core.tg__touch_updated_at();

comment on table core.alert is 'Ward alerts for analysts (severity low/medium/high/critical).';
comment on column core.alert.opportunities is 'jsonb array of opportunities for the ward.';
comment on column core.alert.threats is 'jsonb array of threats for the ward.';
comment on column core.alert.actionable_alerts is 'jsonb array of concrete actions.';
comment on column core.alert.source_articles is 'jsonb array of source references (URLs or ids).';
comment on column core.alert.updated_at is 'Set by trigger tg_alert__touch_updated_at on every update.';

commit;
