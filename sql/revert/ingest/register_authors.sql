-- Revert lokdarpan:ingest/register_authors from pg

begin;

drop function ingest.register_authors(text[]);

commit;
