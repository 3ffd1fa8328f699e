-- Revert lokdarpan:core/text_sha256 from pg

begin;

drop function core.text_sha256(text);

commit;
