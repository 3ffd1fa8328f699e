-- Deploy lokdarpan:content/schema to pg
-- The content module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/content/.

begin;

create schema content;
comment on schema content is 'Content analytics imported from the application SQLite database.';

commit;
