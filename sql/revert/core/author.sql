-- Revert lokdarpan:core/author from pg

begin;

drop table core.author;

commit;
