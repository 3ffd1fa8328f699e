-- pgTAP style tests over every product schema (all schemas except the system ones, public,
-- extensions and the migration tools' bookkeeping), written as catalog queries so they hold
-- for modules merged later. Each test lists the offenders when it fails.
begin;
select plan(20);

create temp view style_schema as
select n.oid, n.nspname from pg_namespace n
 where n.nspname not in ('pg_catalog', 'information_schema', 'public', 'extensions', 'lokdarpan_meta', 'sqitch')
   and n.nspname !~ '^pg_(toast|temp_|toast_temp_)';

create temp view style_table as
select c.oid, s.nspname, c.relname, c.relkind, c.relrowsecurity
  from pg_class c join style_schema s on s.oid = c.relnamespace
 where c.relkind in ('r', 'p') and not c.relispartition
   and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e');

select is_empty($$ select nspname || '.' || relname from style_table
                    where obj_description(oid, 'pg_class') is null $$,
                'every table has a comment');
select is_empty($$ select nspname || '.' || relname from style_table t
                    where not exists (select 1 from pg_constraint k where k.conrelid = t.oid and k.contype = 'p') $$,
                'every table has a primary key');
select is_empty($$ select nspname || '.' || relname from style_table
                    where relname !~ '^[a-z][a-z0-9_]*$' $$,
                'table names are snake_case');
select is_empty($$ select t.nspname || '.' || t.relname || '.' || a.attname
                     from style_table t join pg_attribute a on a.attrelid = t.oid
                    where a.attnum > 0 and not a.attisdropped and a.attname !~ '^[a-z][a-z0-9_]*$' $$,
                'column names are snake_case');
-- every foreign key has an index whose leading columns are the key's columns
select is_empty($$ select t.nspname || '.' || t.relname || ' ' || k.conname
                     from pg_constraint k join style_table t on t.oid = k.conrelid
                    where k.contype = 'f' and k.conparentid = 0
                      and not exists (
                          select 1 from pg_index i
                           where i.indrelid = k.conrelid and i.indpred is null
                             and cardinality(k.conkey) <= i.indnkeyatts
                             and (select array_agg(c order by c) from unnest(k.conkey) c)
                                 = (select array_agg(c order by c) from unnest(
                                      (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)]) c)) $$,
                'every foreign key is indexed');
-- row-level security wherever ward data lives (a ward column or a foreign key to core.ward)
select is_empty($$ select t.nspname || '.' || t.relname from style_table t
                    where not t.relrowsecurity
                      and exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attnum > 0
                                     and not a.attisdropped
                                     and (a.attname in ('ward_name', 'city', 'ward', 'ward_context')
                                          or exists (select 1 from pg_constraint k where k.conrelid = t.oid
                                                        and k.contype = 'f' and k.confrelid = 'core.ward'::regclass
                                                        and a.attnum = any (k.conkey))))
                      and not exists (select 1 from audit.ward_rls_exemption e
                                       where e.table_schema = t.nspname and e.table_name = t.relname) $$,
                'row-level security is enabled on every table holding ward data (or it is exempt with a reason)');
select is_empty($$ select t.nspname || '.' || t.relname from style_table t
                    where t.relrowsecurity and not exists (select 1 from pg_policy p where p.polrelid = t.oid) $$,
                'every table with row-level security has a policy');
select is_empty($$ select table_schema || '.' || table_name || ' (' || kind || ')' from audit.ward_scoped_table
                    where status = 'unprotected' $$,
                'no view or materialized view exposes ward data without a ward filter');
select is_empty($$ select p.oid::regprocedure::text from pg_proc p join style_schema s on s.oid = p.pronamespace
                    where p.prosecdef and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%') $$,
                'every SECURITY DEFINER function pins search_path');
select is_empty($$ select p.oid::regprocedure::text from pg_proc p join style_schema s on s.oid = p.pronamespace
                    where p.prokind in ('f', 'p')
                      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
                      and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
                      -- PostgreSQL refuses COMMIT in a procedure with a SET clause: a procedure
                      -- that commits between batches schema-qualifies every name instead
                      and not (p.prokind = 'p' and p.prosrc ~* '\mcommit\M')
                      -- nor does it inline an immutable SQL function with a SET clause (an index
                      -- expression's, core.ward_terms): its body names every function and
                      -- operator through pg_catalog instead
                      and not (p.prolang = (select l.oid from pg_language l where l.lanname = 'sql')
                               and p.provolatile = 'i' and p.proconfig is null
                               and regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                                       regexp_replace(p.prosrc, '--[^\n]*', '', 'g'),
                                       'E?''[^'']*''', ' ', 'g'), 'operator\(pg_catalog\.[^)]+\)', ' ', 'g'),
                                       'pg_catalog\.\w+\s*\(', '$(', 'g'), '^\s*select\M', '')
                                   !~ '\w\s*\(|[|&<>=!~+*/%^#@-]') $$,
                'every function pins search_path (a procedure that commits, an inlined SQL function: schema-qualified names)');
select is_empty($$ select p.oid::regprocedure::text from pg_proc p join style_schema s on s.oid = p.pronamespace
                    where p.prokind in ('f', 'p') and obj_description(p.oid, 'pg_proc') is null
                      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e') $$,
                'every function has a comment');
select is_empty($$ select t.nspname || '.' || t.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                     from style_table t join pg_attribute a on a.attrelid = t.oid
                     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                    where a.attnum > 0 and not a.attisdropped
                      and (a.attidentity <> '' or pg_get_expr(d.adbin, d.adrelid) like 'nextval(%')
                      and a.atttypid <> 'bigint'::regtype $$,
                'every generated key (identity or sequence) is bigint');
select is_empty($$ select t.nspname || '.' || t.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                     from style_table t join pg_attribute a on a.attrelid = t.oid
                    where a.attnum > 0 and not a.attisdropped
                      and a.atttypid in ('json'::regtype, 'timestamp'::regtype) $$,
                'jsonb not json, timestamptz not timestamp');
select is_empty($$ select t.nspname || '.' || t.relname from style_table t, aclexplode(
                        (select c.relacl from pg_class c where c.oid = t.oid)) a
                    where a.grantee = 0 $$,
                'no table is granted to PUBLIC');

select is_empty($$ select t.nspname || '.' || t.relname || '.' || a.attname
                     from style_table t join pg_attribute a on a.attrelid = t.oid
                    where a.attname = 'ward_name' and a.attnum > 0 and not a.attisdropped
                      and t.oid <> 'core.ward'::regclass
                      -- derived rows written only by core.post's triggers, whose ward is checked
                      -- there (analytics/ward_author says why)
                      and t.oid <> 'analytics.ward_author'::regclass
                      and not exists (select 1 from pg_constraint k
                                       where k.conrelid = t.oid and k.contype = 'f'
                                         and k.conkey @> array[a.attnum]) $$,
                'every ward_name column is under a foreign key (to core.ward, or to a table keyed by it), analytics.ward_author aside');

-- naming (CONTRIBUTING.md): no constraint or index keeps the name PostgreSQL made up
select is_empty($$ select t.nspname || '.' || t.relname || ' ' || k.conname || ' (' || k.contype::text || ')'
                     from pg_constraint k join style_table t on t.oid = k.conrelid
                    where k.contype in ('p', 'f', 'c', 'u', 'x') and k.conparentid = 0
                      and k.conname !~ case k.contype when 'p' then '^pk_' when 'f' then '^fk_'
                                                      when 'c' then '^ck_' when 'u' then '^uq_' else '^ex_' end $$,
                'constraints are named pk_/fk_/ck_/uq_/ex_<table>__...');
select is_empty($$ select n.nspname || '.' || i.relname
                     from pg_index x join pg_class i on i.oid = x.indexrelid
                     join pg_class c on c.oid = x.indrelid join style_schema n on n.oid = c.relnamespace
                    where c.relkind in ('r', 'p', 'm') and not c.relispartition
                      and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
                      and i.relname !~ case when x.indisprimary then '^pk_'
                                            when x.indisunique then '^(uq|ex)_' else '^(ix|ex)_' end $$,
                'indexes are named ix_<table>__<columns> (pk_/uq_ for keys)');
select is_empty($$ select t.nspname || '.' || c.relname || ' ' || g.tgname
                     from pg_trigger g join pg_class c on c.oid = g.tgrelid
                     join style_schema t on t.oid = c.relnamespace
                    where not g.tgisinternal and g.tgname !~ '^tg_' $$,
                'triggers are named tg_<table>__<task>');
select is_empty($$ select p.oid::regprocedure::text from pg_proc p join style_schema s on s.oid = p.pronamespace
                    where p.prorettype in ('trigger'::regtype, 'event_trigger'::regtype)
                      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
                      and p.proname !~ '^tg_([a-z0-9_]*_)?_[a-z0-9_]+$' $$,
                'trigger functions are named tg_<table>__<task> (tg__<task> when shared)');
select is_empty($$ select p.oid::regprocedure::text from pg_proc p join style_schema s on s.oid = p.pronamespace
                    where p.prosecdef
                      and not exists (select 1 from unnest(p.proconfig) c
                                       where c like 'search_path=%' and c ~ '(^|, )pg_temp$') $$,
                'every SECURITY DEFINER function lists pg_temp last in its search_path');

select * from finish();
rollback;
