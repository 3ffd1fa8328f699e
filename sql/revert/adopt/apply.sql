-- Revert lokdarpan:adopt/apply from pg
-- Dropping the trigger function also drops the continuous-apply triggers (capture stays).

begin;

drop function adopt.remove_apply(text, text);
drop function adopt.install_apply(text, text);
drop function adopt.tg__apply() cascade;
drop function adopt.apply_ids(text, bigint[]);
drop function adopt.sync_base(text, text, bigint[]);

commit;
