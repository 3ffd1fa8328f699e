-- Deploy lokdarpan:audit/schema to pg
-- The audit module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/audit/.

begin;

create schema audit;
comment on schema audit is 'Append-only audit log, roles, grants and row-level security by ward.';

commit;
