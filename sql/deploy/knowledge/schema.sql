-- Deploy lokdarpan:knowledge/schema to pg
-- The knowledge module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/knowledge/.

begin;

create schema knowledge;
comment on schema knowledge is 'Knowledge base, talking-point templates and generations, fact checks, campaign positions.';

commit;
