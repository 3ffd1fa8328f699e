-- Deploy lokdarpan:pulse/sentiment_timeseries to pg
-- requires: pulse/schema
-- requires: core/ward
-- requires: core/partition
-- Phase 1 (ward pulse): the sentiment time series per ward, one row per ward and bucket.
-- The seed promised a monthly range-partitioned table and never built one; this one is,
-- maintained by the same machinery as core.post (core.partition_policy + core.ensure_partitions).

begin;

create table pulse.ward_sentiment_timeseries (
    ward_name         text not null constraint fk_ward_sentiment_timeseries__ward_name references core.ward (ward_name),
    bucket_start      timestamptz not null,
    bucket_width      interval not null default interval '1 day',
    post_count        integer not null default 0,
    positive_count    integer not null default 0,
    negative_count    integer not null default 0,
    neutral_count     integer not null default 0,
    sentiment_score   numeric(5, 4),
    engagement_score  numeric(14, 2) not null default 0,
    top_issues        jsonb not null default '[]',
    created_at        timestamptz not null default now(),
    constraint pk_ward_sentiment_timeseries primary key (ward_name, bucket_start),
    constraint ck_ward_sentiment_timeseries__width check (bucket_width > interval '0'
                                                          and bucket_width <= interval '31 days'),
    constraint ck_ward_sentiment_timeseries__counts check (
        post_count >= 0 and positive_count >= 0 and negative_count >= 0 and neutral_count >= 0
        and positive_count + negative_count + neutral_count <= post_count),
    constraint ck_ward_sentiment_timeseries__score check (sentiment_score between -1 and 1),
    constraint ck_ward_sentiment_timeseries__engagement check (engagement_score >= 0),
    constraint ck_ward_sentiment_timeseries__top_issues check (
        jsonb_typeof(top_issues) = 'array'
        and not jsonb_path_exists(top_issues, '$[*] ? (@.type() != "string")'))
) partition by range (bucket_start);

create table pulse.ward_sentiment_timeseries_default partition of pulse.ward_sentiment_timeseries default;
comment on table pulse.ward_sentiment_timeseries_default is
    'Default partition of pulse.ward_sentiment_timeseries: rows whose month has no partition yet; '
    'maintenance moves them out when it creates the partition. Normally empty.';

create index ix_ward_sentiment_timeseries__bucket_start on pulse.ward_sentiment_timeseries (bucket_start);

comment on table pulse.ward_sentiment_timeseries is
    'Sentiment per ward per time bucket (usually a day), partitioned by month of bucket_start '
    '(partitions pulse.ward_sentiment_timeseries_pYYYY_MM, UTC month bounds, plus a default '
    'partition), maintained by core.ensure_partitions / core.daily_partition_maintenance.';
comment on column pulse.ward_sentiment_timeseries.bucket_start is 'Start of the bucket (UTC instant); the partition key.';
comment on column pulse.ward_sentiment_timeseries.bucket_width is 'Length of the bucket (1 day by default).';
comment on column pulse.ward_sentiment_timeseries.post_count is 'Posts of the ward in the bucket.';
comment on column pulse.ward_sentiment_timeseries.sentiment_score is
    'Mean sentiment of the bucket''s posts in -1 (all negative) .. 1 (all positive); NULL without posts.';
comment on column pulse.ward_sentiment_timeseries.engagement_score is
    'Engagement in the bucket (likes + shares + comments of its posts, or the source''s equivalent).';
comment on column pulse.ward_sentiment_timeseries.top_issues is
    'jsonb array of issue keys (strings) discussed in the bucket, e.g. ["water_supply", "roads"].';

insert into core.partition_policy (parent_schema, parent_table, months_ahead, months_behind)
values ('pulse', 'ward_sentiment_timeseries', 3, 12);
select count(*) from core.ensure_partitions(now(), 'pulse.ward_sentiment_timeseries'::regclass);

commit;
