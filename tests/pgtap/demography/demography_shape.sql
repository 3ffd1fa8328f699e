-- pgTAP: shape of the demography module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(25);

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

-- module-wide rules (same block in every domain module file)
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'demography' and c.relkind in ('r', 'p', 'v') and not c.relispartition
              and obj_description(c.oid, 'pg_class') is null), 0, 'every demography table and view has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'demography' and obj_description(p.oid, 'pg_proc') is null), 0,
          'every demography function has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'demography'
              and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')), 0,
          'every demography function pins search_path');
select is((select count(*)::int from pg_constraint k join pg_namespace n on n.oid = k.connamespace
            where n.nspname = 'demography' and k.contype = 'f' and k.conparentid = 0
              and not exists (select 1 from pg_index i
                               where i.indrelid = k.conrelid
                                 and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                                 and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)), 0,
          'every demography foreign key has an index leading with its columns');
select is((select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'demography' and c.relkind in ('r', 'p') and not c.relispartition
              and a.attname = 'ward_name' and not a.attisdropped
              and not exists (select 1 from pg_constraint k
                               where k.conrelid = c.oid and k.contype = 'f'
                                 and k.confrelid = 'core.ward'::regclass and k.conkey = array[a.attnum])), 0,
          'every demography ward_name column references core.ward');
select is((select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'demography' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
              and a.atttypid in ('json'::regtype, 'timestamp'::regtype, 'character varying'::regtype)), 0,
          'demography uses jsonb, timestamptz and text (no json, timestamp or varchar)');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'demography' and c.relkind in ('r', 'p') and not c.relispartition
              and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')), 0,
          'every demography table has a primary key');

select * from finish();
rollback;
