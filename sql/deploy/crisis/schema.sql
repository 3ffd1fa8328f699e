-- Deploy lokdarpan:crisis/schema to pg
-- The crisis module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/crisis/.

begin;

create schema crisis;
comment on schema crisis is 'Crisis events, response workflows, metrics, notifications and the communication log.';

commit;
