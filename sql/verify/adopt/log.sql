-- Verify lokdarpan:adopt/log on pg

begin;

select 'adopt.table_state'::regclass, 'adopt.capture'::regclass, 'adopt.mapping'::regclass,
       'adopt.quarantine'::regclass, 'adopt.tg__capture()'::regprocedure,
       'adopt.install_capture(text, text, text, smallint)'::regprocedure,
       'adopt.remove_capture(text, text)'::regprocedure;

rollback;
