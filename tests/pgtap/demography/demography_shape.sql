-- pgTAP: shape of the demography module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(18);

select has_table('demography', t, 'table demography.' || t) from unnest(array['concern', 'voter_segment',
    'voter_segment_concern', 'engagement_pattern', 'service_gap_analysis', 'demographic_insight']) t;
select columns_are('demography', 'voter_segment', array['segment_id', 'ward_name', 'segment_code', 'engagement_level',
    'size_estimate', 'estimated_at', 'created_at', 'updated_at']::name[], 'a segment holds no personal attribute');
select columns_are('demography', 'voter_segment_concern', array['segment_id', 'concern', 'concern_rank']::name[]);
select fk_ok('demography', 'voter_segment_concern', 'concern', 'demography', 'concern', 'concern');
select fk_ok('demography', 'voter_segment', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('demography', 'service_gap_analysis', 'service', 'demography', 'concern', 'concern');
select fk_ok('demography', 'demographic_insight', 'reviewed_by', 'core', 'app_user', 'user_id');
select is((select count(*)::int from demography.concern where concern in ('religion', 'caste', 'gender', 'age')), 0,
          'the concern vocabulary has no personal attribute');
select has_check('demography', 'voter_segment', 'size >= 50 and code format');
select col_is_unique('demography', 'voter_segment', array['ward_name', 'segment_code']::name[]);
select has_index('demography', 'demographic_insight', 'ix_demographic_insight__ward_name__review_status__expires_at',
                 array['ward_name', 'review_status', 'expires_at']::name[]);
select is((select attgenerated::text from pg_attribute
            where attrelid = 'demography.service_gap_analysis'::regclass and attname = 'gap_score'), 's',
          'gap_score is generated');
select throws_ok($$insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate)
                   values ('Kapra', 'tiny', 'high', 3)$$, '23514', null, 'no segment narrows to a few people');

-- module-wide rules (comments, primary keys, pinned search_path, indexed foreign keys,
-- ward columns referencing core.ward, jsonb/timestamptz) are checked for every schema at once
-- by tests/pgtap/style/style.sql

select * from finish();
rollback;
