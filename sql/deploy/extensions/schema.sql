-- Deploy lokdarpan:extensions/schema to pg
-- Extensions (pg_trgm, vector) live in their own schema so no module schema is cluttered with
-- their functions and operators; every function of ours pins it in its search_path.

begin;

create schema extensions;
comment on schema extensions is 'Extensions used by LokDarpan DB (pg_trgm, vector).';

commit;
