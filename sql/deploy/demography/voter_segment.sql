-- Deploy lokdarpan:demography/voter_segment to pg
-- requires: demography/schema
-- requires: core/ward
-- requires: core/touch_updated_at
-- Phase 3 (demographic intelligence): issue-based voter segments and how they engage.
-- The seeds' ethical rule is that a segment never describes individuals' personal attributes
-- (religion, caste, gender, age, names, contacts). This schema cannot hold them: a segment is
-- a ward, a code, a set of concerns drawn from a closed vocabulary (demography.concern), an
-- engagement level and a size estimate of at least 50 people (no segment narrows to a person);
-- there is no free-text description or jsonb bag where such attributes could be put.

begin;

create table demography.concern (
    concern      text constraint pk_concern primary key,
    description  text not null,
    constraint ck_concern__key check (concern ~ '^[a-z][a-z_]*$')
);
comment on table demography.concern is
    'Closed vocabulary of civic issues a segment can be defined by (issues, never personal attributes).';
insert into demography.concern (concern, description) values
    ('water_supply', 'Drinking water supply and quality'),
    ('sanitation', 'Toilets, sewerage and solid waste'),
    ('drainage', 'Storm-water drains and flooding'),
    ('roads', 'Road condition and potholes'),
    ('traffic', 'Congestion and parking'),
    ('street_lighting', 'Street lights'),
    ('garbage_collection', 'Door-to-door garbage collection'),
    ('public_transport', 'Buses, metro and last-mile transport'),
    ('healthcare', 'Public health centres and hospitals'),
    ('education', 'Public schools and colleges'),
    ('electricity', 'Power supply and outages'),
    ('housing', 'Affordable housing and slum upgrading'),
    ('employment', 'Jobs and livelihoods'),
    ('prices', 'Cost of living'),
    ('safety', 'Public safety and policing'),
    ('environment', 'Lakes, green cover and air quality'),
    ('welfare_schemes', 'Access to welfare schemes and pensions'),
    ('governance', 'Responsiveness of the corporation and corruption');

create table demography.voter_segment (
    segment_id        bigint generated always as identity constraint pk_voter_segment primary key,
    ward_name         text not null constraint fk_voter_segment__ward_name references core.ward (ward_name),
    segment_code      text not null,
    engagement_level  text not null,
    size_estimate     integer not null,
    estimated_at      timestamptz not null default now(),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint uq_voter_segment__ward_name__segment_code unique (ward_name, segment_code),
    constraint ck_voter_segment__code check (segment_code ~ '^[a-z][a-z0-9_]{0,59}$'),
    constraint ck_voter_segment__engagement check (engagement_level in
        ('disengaged', 'low', 'moderate', 'high', 'activist')),
    constraint ck_voter_segment__size check (size_estimate >= 50)
);
create trigger tg_voter_segment__touch_updated_at
    before update on demography.voter_segment
    for each row execute function core.tg__touch_updated_at();
comment on table demography.voter_segment is
    'Issue-based voter segments of a ward. By design no column can describe a person: a code, '
    'concerns from demography.concern, an engagement level and a size of at least 50.';
comment on column demography.voter_segment.segment_code is
    'Short code in lower snake case (e.g. water_first_commuters); not a free-text description.';
comment on column demography.voter_segment.engagement_level is 'disengaged, low, moderate, high or activist.';
comment on column demography.voter_segment.size_estimate is
    'Estimated number of voters in the segment; at least 50 so a segment never narrows to individuals.';

create table demography.voter_segment_concern (
    segment_id    bigint not null constraint fk_voter_segment_concern__segment_id references demography.voter_segment (segment_id) on delete cascade,
    concern       text not null constraint fk_voter_segment_concern__concern references demography.concern (concern),
    concern_rank  smallint not null,
    constraint pk_voter_segment_concern primary key (segment_id, concern),
    constraint uq_voter_segment_concern__segment_id__concern_rank unique (segment_id, concern_rank),
    constraint ck_voter_segment_concern__rank check (concern_rank between 1 and 5)
);
create index ix_voter_segment_concern__concern on demography.voter_segment_concern (concern);
comment on table demography.voter_segment_concern is
    'Primary concerns of a segment (1 to 5, ranked), from the closed vocabulary demography.concern.';
comment on column demography.voter_segment_concern.concern_rank is '1 = the segment''s first concern.';

create table demography.engagement_pattern (
    pattern_id       bigint generated always as identity constraint pk_engagement_pattern primary key,
    ward_name        text not null constraint fk_engagement_pattern__ward_name references core.ward (ward_name),
    segment_id       bigint constraint fk_engagement_pattern__segment_id references demography.voter_segment (segment_id) on delete cascade,
    channel          text not null,
    peak_hour        smallint,
    peak_day         smallint,
    engagement_rate  numeric(5, 2) not null,
    sample_size      integer not null,
    observed_from    timestamptz not null,
    observed_to      timestamptz not null,
    created_at       timestamptz not null default now(),
    constraint ck_engagement_pattern__channel check (channel in
        ('whatsapp', 'social_media', 'door_to_door', 'public_meeting', 'print', 'tv', 'radio', 'helpline')),
    constraint ck_engagement_pattern__hour check (peak_hour between 0 and 23),
    constraint ck_engagement_pattern__day check (peak_day between 0 and 6),
    constraint ck_engagement_pattern__rate check (engagement_rate between 0 and 100),
    constraint ck_engagement_pattern__sample check (sample_size >= 0),
    constraint ck_engagement_pattern__period check (observed_from < observed_to)
);
create index ix_engagement_pattern__ward_name__channel on demography.engagement_pattern (ward_name, channel);
create index ix_engagement_pattern__segment_id on demography.engagement_pattern (segment_id);
comment on table demography.engagement_pattern is
    'How a ward (or one of its segments) engages per channel: rate, peak hour and day, over a period.';
comment on column demography.engagement_pattern.segment_id is 'Segment observed; NULL for the whole ward.';
comment on column demography.engagement_pattern.channel is
    'whatsapp, social_media, door_to_door, public_meeting, print, tv, radio or helpline.';
comment on column demography.engagement_pattern.peak_hour is 'Hour of day (0-23, IST) with most engagement.';
comment on column demography.engagement_pattern.peak_day is 'Day of week with most engagement (0 = Sunday .. 6 = Saturday).';
comment on column demography.engagement_pattern.engagement_rate is 'Percent of those reached who engaged (0-100).';
comment on column demography.engagement_pattern.sample_size is 'Number of interactions the pattern is based on.';

commit;
