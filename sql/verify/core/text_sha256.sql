-- Verify lokdarpan:core/text_sha256 on pg

begin;

select 1 / (core.text_sha256(E'\\') = pg_catalog.sha256('\x5c'::bytea))::int;

rollback;
