-- pgTAP: shape of the knowledge module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(22);

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

-- module-wide rules (comments, primary keys, pinned search_path, indexed foreign keys,
-- ward columns referencing core.ward, jsonb/timestamptz) are checked for every schema at once
-- by tests/pgtap/style/style.sql

select * from finish();
rollback;
