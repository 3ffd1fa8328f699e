-- pgTAP: shape of the knowledge module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(29);

select has_table('knowledge', t, 'table knowledge.' || t) from unnest(array['knowledge_base',
    'talking_points_template', 'talking_points_generation', 'talking_points_generation_fact', 'fact_check_result',
    'campaign_position']) t;
select fk_ok('knowledge', 'talking_points_generation', 'template_id', 'knowledge', 'talking_points_template', 'template_id');
select fk_ok('knowledge', 'talking_points_generation', 'user_id', 'core', 'app_user', 'user_id');
select fk_ok('knowledge', 'talking_points_generation', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('knowledge', 'talking_points_generation_fact', 'fact_id', 'knowledge', 'knowledge_base', 'fact_id');
select fk_ok('knowledge', 'talking_points_generation_fact', 'generation_id', 'knowledge', 'talking_points_generation',
             'generation_id');
select fk_ok('knowledge', 'campaign_position', 'party', 'core', 'party', 'party');
select fk_ok('knowledge', 'fact_check_result', 'fact_id', 'knowledge', 'knowledge_base', 'fact_id');
select col_is_pk('knowledge', 'talking_points_generation_fact', array['generation_id', 'fact_id']::name[], 'primary key of ' || 'knowledge' || '.' || 'talking_points_generation_fact');
select has_check('knowledge', 'knowledge_base', 'content type, verification, validity checks');
select has_trigger('knowledge', 'talking_points_generation_fact', 'tg_talking_points_generation_fact__check_fact',
                   'citations are checked by the database');
select has_trigger('knowledge', 'talking_points_generation', 'tg_talking_points_generation__freeze_generated_at',
                   'generation time is frozen once cited');
select has_index('knowledge', 'knowledge_base', 'ix_knowledge_base__verification_status__expires_at',
                 array['verification_status', 'expires_at']::name[]);
select col_type_is('knowledge', 'knowledge_base', 'metadata', 'jsonb', 'knowledge_base' || '.' || 'metadata' || ' is ' || 'jsonb');
select col_type_is('knowledge', 'knowledge_base', 'expires_at', 'timestamp with time zone', 'knowledge_base' || '.' || 'expires_at' || ' is ' || 'timestamp with time zone');
select throws_ok($$insert into knowledge.knowledge_base (title, content, content_type) values ('t', 'c', 'gossip')$$,
                 '23514', null, 'content type vocabulary');
select throws_ok($$insert into knowledge.fact_check_result (claim_text, verdict, confidence) values ('c', 'meh', 0.5)$$,
                 '23514', null, 'verdict vocabulary');

-- module-wide rules (same block in every domain module file)
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'knowledge' and c.relkind in ('r', 'p', 'v') and not c.relispartition
              and obj_description(c.oid, 'pg_class') is null), 0, 'every knowledge table and view has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'knowledge' and obj_description(p.oid, 'pg_proc') is null), 0,
          'every knowledge function has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'knowledge'
              and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')), 0,
          'every knowledge function pins search_path');
select is((select count(*)::int from pg_constraint k join pg_namespace n on n.oid = k.connamespace
            where n.nspname = 'knowledge' and k.contype = 'f' and k.conparentid = 0
              and not exists (select 1 from pg_index i
                               where i.indrelid = k.conrelid
                                 and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                                 and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)), 0,
          'every knowledge foreign key has an index leading with its columns');
select is((select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'knowledge' and c.relkind in ('r', 'p') and not c.relispartition
              and a.attname = 'ward_name' and not a.attisdropped
              and not exists (select 1 from pg_constraint k
                               where k.conrelid = c.oid and k.contype = 'f'
                                 and k.confrelid = 'core.ward'::regclass and k.conkey = array[a.attnum])), 0,
          'every knowledge ward_name column references core.ward');
select is((select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'knowledge' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
              and a.atttypid in ('json'::regtype, 'timestamp'::regtype, 'character varying'::regtype)), 0,
          'knowledge uses jsonb, timestamptz and text (no json, timestamp or varchar)');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'knowledge' and c.relkind in ('r', 'p') and not c.relispartition
              and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')), 0,
          'every knowledge table has a primary key');

select * from finish();
rollback;
