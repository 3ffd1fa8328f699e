-- Deploy lokdarpan:core/text_sha256 to pg
-- requires: core/schema
-- sha256 of any text. The seeds used sha256(text::bytea), which fails on a lone backslash
-- (the text is parsed as a bytea escape); convert_to(text, 'UTF8') hashes the text's bytes.

begin;

create function core.text_sha256(p_text text)
returns bytea
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select pg_catalog.sha256(pg_catalog.convert_to(p_text, 'UTF8'))
$$;
comment on function core.text_sha256(text) is
    'sha256 of the UTF-8 bytes of p_text (32 bytes); safe for any text, backslashes included.';

commit;
