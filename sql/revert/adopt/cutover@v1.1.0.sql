-- Revert lokdarpan:adopt/cutover from pg
-- Refuses while a cutover is in place (its compatibility objects call these functions).

begin;

do $$
begin
    if exists (select 1 from adopt.cutover_state where phase = 'cutover') then
        raise exception 'adopt: a cutover is in place: run adopt rollback (or adopt finish) before reverting adopt/cutover';
    end if;
end
$$;
drop function adopt.finish(boolean);
drop function adopt.unaccounted();
drop function adopt.rollback_switch();
drop function adopt.rollback_carry(integer);
drop function adopt.rollback_state();
drop function adopt.cutover_switch();
drop function adopt.matview_swap(text);
drop function adopt.matview_build(text);
drop function adopt.copy_privileges(regclass, regclass);
drop function adopt.copy_epaper();
drop function adopt.prepare_epaper();
drop function adopt.tg__mirror_epaper() cascade;
drop function adopt.tg__compat_log();
drop function adopt.tg__compat();
drop function adopt.compat_view_sql(text, regclass, text, text);
drop function adopt.core_key(text);
drop table if exists adopt.epaper_compat;
drop table adopt.dependent;
drop table adopt.compat_log;
drop table adopt.cutover_state;

commit;
