-- Verify lokdarpan:adopt/apply on pg

begin;

select 'adopt.sync_base(text, text, bigint[])'::regprocedure,
       'adopt.apply_ids(text, bigint[])'::regprocedure,
       'adopt.tg__apply()'::regprocedure,
       'adopt.install_apply(text, text)'::regprocedure,
       'adopt.remove_apply(text, text)'::regprocedure;

rollback;
