-- Revert lokdarpan:core/touch_updated_at from pg

begin;

drop function core.tg__touch_updated_at();

commit;
