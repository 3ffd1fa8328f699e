-- Verify lokdarpan:adopt/cutover on pg

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
       'adopt.finish(boolean)'::regprocedure;

rollback;
