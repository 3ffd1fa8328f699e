-- Verify lokdarpan:core/vocabulary on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/core/vocabulary.sql.

begin;

select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute
 where attrelid = 'core.emotion'::regclass and attnum > 0 and not attisdropped
   and attname in ('emotion', 'sentiment_score');
select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute
 where attrelid = 'core.emotion_label'::regclass and attnum > 0 and not attisdropped
   and attname in ('label', 'emotion');
select 'core.ix_emotion_label__emotion'::regclass;
select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute
 where attrelid = 'core.party'::regclass and attnum > 0 and not attisdropped
   and attname in ('party', 'full_name');
select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute
 where attrelid = 'core.party_alias'::regclass and attnum > 0 and not attisdropped
   and attname in ('alias', 'party');
select 'core.ix_party_alias__party'::regclass;
select 'core.normalize_emotion(text)'::regprocedure;
select 'core.normalize_party(text)'::regprocedure;

-- answers from the catalog or on constants
select 1 / (core.normalize_emotion(' Hopeful ') = 'positive')::int;
select 1 / (core.normalize_party('TRS') = 'BRS')::int;

rollback;
