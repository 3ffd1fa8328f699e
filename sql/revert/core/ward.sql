-- Revert lokdarpan:core/ward from pg

begin;

drop function core.resolve_ward(text);
drop function core.ward_suggestions(text, integer);
drop function core.ward_lookup(text);
drop table core.ward;

commit;
