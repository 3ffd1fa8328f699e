-- Deploy lokdarpan:pulse/momentum to pg
-- requires: pulse/sentiment_timeseries
-- requires: core/ward
-- Phase 1: momentum indicators per ward (one row per ward), computed from the sentiment time
-- series at a "now" given by the caller, so a dashboard reads one row instead of scanning weeks.

begin;

create table pulse.ward_momentum_indicators (
    ward_name              text constraint pk_ward_momentum_indicators primary key constraint fk_ward_momentum_indicators__ward_name references core.ward (ward_name),
    computed_for           timestamptz not null,
    window_length          interval not null,
    recent_post_count      bigint not null,
    prior_post_count       bigint not null,
    recent_sentiment       numeric(5, 4),
    prior_sentiment        numeric(5, 4),
    sentiment_momentum     numeric(5, 4),
    engagement_momentum    numeric,
    issue_emergence        integer not null,
    emerging_issues        jsonb not null default '[]',
    political_temperature  numeric(5, 2),
    trend_direction        text not null,
    updated_at             timestamptz not null default now(),
    constraint ck_ward_momentum_indicators__window check (window_length > interval '0'),
    constraint ck_ward_momentum_indicators__counts check (recent_post_count >= 0 and prior_post_count >= 0),
    constraint ck_ward_momentum_indicators__sentiment check (
        recent_sentiment between -1 and 1 and prior_sentiment between -1 and 1
        and sentiment_momentum between -2 and 2),
    constraint ck_ward_momentum_indicators__emergence check (issue_emergence >= 0),
    constraint ck_ward_momentum_indicators__emerging check (jsonb_typeof(emerging_issues) = 'array'),
    constraint ck_ward_momentum_indicators__temperature check (political_temperature between 0 and 100),
    constraint ck_ward_momentum_indicators__trend check (
        trend_direction in ('rising', 'falling', 'stable', 'insufficient_data'))
);
create index ix_ward_momentum_indicators__trend_direction__temperature
    on pulse.ward_momentum_indicators (trend_direction, political_temperature desc);
comment on table pulse.ward_momentum_indicators is
    'Momentum of each ward''s pulse (one row per ward), written by pulse.compute_ward_momentum(); '
    'see that function''s comment for the formulas.';
comment on column pulse.ward_momentum_indicators.computed_for is 'The "now" the indicators were computed for.';
comment on column pulse.ward_momentum_indicators.window_length is
    'Window W: recent = [now - W, now), prior = [now - 2W, now - W) on bucket_start.';
comment on column pulse.ward_momentum_indicators.recent_sentiment is
    'Post-weighted mean sentiment_score of the recent window (4 places); NULL without scored posts.';
comment on column pulse.ward_momentum_indicators.prior_sentiment is 'Same as recent_sentiment for the prior window.';
comment on column pulse.ward_momentum_indicators.sentiment_momentum is
    'recent_sentiment - prior_sentiment (-2..2, 4 places); NULL when either is NULL.';
comment on column pulse.ward_momentum_indicators.engagement_momentum is
    'Percent change of summed engagement_score, recent vs prior (2 places); NULL when prior is 0.';
comment on column pulse.ward_momentum_indicators.issue_emergence is
    'Number of issues in the recent window''s top_issues that did not appear in the prior window.';
comment on column pulse.ward_momentum_indicators.emerging_issues is 'Those issues, as a sorted jsonb array of strings.';
comment on column pulse.ward_momentum_indicators.political_temperature is
    '0-100: 50 x polarisation (share of recent posts that are positive or negative) + 50 x '
    'volume share (recent posts / (recent + prior posts)); NULL without recent posts.';
comment on column pulse.ward_momentum_indicators.trend_direction is
    'rising (sentiment_momentum > 0.05), falling (< -0.05), stable, or insufficient_data (momentum NULL).';

create function pulse.compute_ward_momentum(p_now timestamptz default now(), p_ward text default null,
                                            p_window interval default interval '7 days')
returns setof pulse.ward_momentum_indicators
language plpgsql
volatile
set search_path = pg_catalog, pulse, core
as $$
declare
    v_ward text;
begin
    if p_now is null or p_window is null or p_window <= interval '0' then
        raise exception 'now must be given and the window must be positive (got %, %)', p_now, p_window
            using errcode = 'invalid_parameter_value';
    end if;
    if p_ward is not null then
        v_ward := core.resolve_ward(p_ward);  -- raises P0002 with suggestions when unknown
    end if;
    return query
    with ward as (
        select w.ward_name from core.ward w where v_ward is null or w.ward_name = v_ward
    ), ts as (
        select t.ward_name, t.post_count, t.positive_count, t.negative_count, t.sentiment_score,
               t.engagement_score, t.top_issues,
               t.bucket_start >= p_now - p_window as is_recent
          from pulse.ward_sentiment_timeseries t
         where t.bucket_start >= p_now - 2 * p_window
           and t.bucket_start < p_now
           and (v_ward is null or t.ward_name = v_ward)
    ), agg as (
        select ts.ward_name,
               coalesce(sum(ts.post_count) filter (where ts.is_recent), 0)::bigint as recent_posts,
               coalesce(sum(ts.post_count) filter (where not ts.is_recent), 0)::bigint as prior_posts,
               sum(ts.sentiment_score * ts.post_count) filter (where ts.is_recent)
                   / nullif(sum(ts.post_count) filter (where ts.is_recent and ts.sentiment_score is not null), 0)
                   as recent_sentiment,
               sum(ts.sentiment_score * ts.post_count) filter (where not ts.is_recent)
                   / nullif(sum(ts.post_count) filter (where not ts.is_recent and ts.sentiment_score is not null), 0)
                   as prior_sentiment,
               coalesce(sum(ts.engagement_score) filter (where ts.is_recent), 0) as recent_engagement,
               coalesce(sum(ts.engagement_score) filter (where not ts.is_recent), 0) as prior_engagement,
               coalesce(sum(ts.positive_count + ts.negative_count) filter (where ts.is_recent), 0) as recent_polar
          from ts
         group by ts.ward_name
    ), issue as (
        select ts.ward_name, i.issue, ts.is_recent
          from ts cross join lateral jsonb_array_elements_text(ts.top_issues) i (issue)
    ), emerging as (
        select e.ward_name, count(*)::integer as n, jsonb_agg(e.issue order by e.issue) as issues
          from (select r.ward_name, r.issue from issue r where r.is_recent
                except
                select p.ward_name, p.issue from issue p where not p.is_recent) e
         group by e.ward_name
    ), computed as (
        select ward.ward_name,
               coalesce(agg.recent_posts, 0) as recent_posts,
               coalesce(agg.prior_posts, 0) as prior_posts,
               round(agg.recent_sentiment, 4) as recent_sentiment,
               round(agg.prior_sentiment, 4) as prior_sentiment,
               round(agg.recent_sentiment - agg.prior_sentiment, 4) as sentiment_momentum,
               round(100 * (agg.recent_engagement - agg.prior_engagement) / nullif(agg.prior_engagement, 0), 2)
                   as engagement_momentum,
               coalesce(emerging.n, 0) as issue_emergence,
               coalesce(emerging.issues, '[]'::jsonb) as emerging_issues,
               round(50.0 * agg.recent_polar / nullif(agg.recent_posts, 0)
                     + 50.0 * agg.recent_posts / nullif(agg.recent_posts + agg.prior_posts, 0), 2)
                   as political_temperature
          from ward
          left join agg on agg.ward_name = ward.ward_name
          left join emerging on emerging.ward_name = ward.ward_name
    )
    insert into pulse.ward_momentum_indicators as m
        (ward_name, computed_for, window_length, recent_post_count, prior_post_count, recent_sentiment,
         prior_sentiment, sentiment_momentum, engagement_momentum, issue_emergence, emerging_issues,
         political_temperature, trend_direction, updated_at)
    select c.ward_name, p_now, p_window, c.recent_posts, c.prior_posts, c.recent_sentiment,
           c.prior_sentiment, c.sentiment_momentum, c.engagement_momentum, c.issue_emergence,
           c.emerging_issues, c.political_temperature,
           case when c.sentiment_momentum is null then 'insufficient_data'
                when c.sentiment_momentum > 0.05 then 'rising'
                when c.sentiment_momentum < -0.05 then 'falling'
                else 'stable' end,
           now()
      from computed c
    on conflict (ward_name) do update
       set computed_for = excluded.computed_for,
           window_length = excluded.window_length,
           recent_post_count = excluded.recent_post_count,
           prior_post_count = excluded.prior_post_count,
           recent_sentiment = excluded.recent_sentiment,
           prior_sentiment = excluded.prior_sentiment,
           sentiment_momentum = excluded.sentiment_momentum,
           engagement_momentum = excluded.engagement_momentum,
           issue_emergence = excluded.issue_emergence,
           emerging_issues = excluded.emerging_issues,
           political_temperature = excluded.political_temperature,
           trend_direction = excluded.trend_direction,
           updated_at = excluded.updated_at
    returning m.*;
end
$$;
comment on function pulse.compute_ward_momentum(timestamptz, text, interval) is
    'Computes and upserts pulse.ward_momentum_indicators for one ward (p_ward, resolved ignoring '
    'case and spaces; P0002 when unknown) or for all 145 wards (NULL), and returns the rows written. '
    'Windows on bucket_start: recent R = [p_now - p_window, p_now), prior P = [p_now - 2 p_window, '
    'p_now - p_window). Formulas: sentiment(X) = sum(sentiment_score x post_count) / '
    'sum(post_count of scored buckets) over X; sentiment_momentum = sentiment(R) - sentiment(P) '
    '(4 places, NULL if either is NULL); engagement_momentum = 100 x (E(R) - E(P)) / E(P) with E = '
    'sum of engagement_score (2 places, NULL if E(P) = 0); emerging issues = distinct top_issues of '
    'R not in P; political_temperature = 50 x (positive + negative posts of R) / posts(R) + 50 x '
    'posts(R) / (posts(R) + posts(P)) (0-100, NULL if posts(R) = 0); trend_direction = rising if '
    'momentum > 0.05, falling if < -0.05, stable otherwise, insufficient_data if NULL. '
    'Cost: one scan of 2 x p_window of the time series (partition-pruned).';

commit;
