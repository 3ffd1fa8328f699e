-- Verify lokdarpan:adopt/cutover on pg
-- Shape only: the objects of the first version, the two functions of the rework, and the views'
-- query with its arm of core rows without legacy values (on core.author as a stand-in legacy table).

begin;

select phase, legacy_schema, cutover_at, rolled_back_at, finished_at, legacy_dropped
  from adopt.cutover_state where false;
select legacy_table, legacy_id, logged_at from adopt.compat_log where false;
select kind, name, on_table, definition, extra from adopt.dependent where false;
select 'adopt.core_key(text)'::regprocedure,
       'adopt.compat_view_sql(text, regclass, text, text)'::regprocedure,
       'adopt.tg__compat()'::regprocedure,
       'adopt.tg__compat_log()'::regprocedure,
       'adopt.tg__mirror_epaper()'::regprocedure,
       'adopt.prepare_epaper()'::regprocedure,
       'adopt.copy_epaper()'::regprocedure,
       'adopt.copy_privileges(regclass, regclass)'::regprocedure,
       'adopt.matview_build(text)'::regprocedure,
       'adopt.matview_swap(text)'::regprocedure,
       'adopt.cutover_switch()'::regprocedure,
       'adopt.rollback_state()'::regprocedure,
       'adopt.rollback_carry(integer)'::regprocedure,
       'adopt.rollback_switch()'::regprocedure,
       'adopt.unaccounted()'::regprocedure,
       'adopt.finish(boolean)'::regprocedure,
       'adopt.compat_columns(text, regclass, text)'::regprocedure,
       'adopt.compat_lookup_indexes()'::regprocedure,
       'adopt.compat_key_sets(text)'::regprocedure,
       'adopt.extra_keys(jsonb)'::regprocedure;
select 1 / (position('where not exists' in adopt.compat_view_sql('author', 'core.author'::regclass, 'UTC')) > 0)::integer;

rollback;
