-- Deploy lokdarpan:core/schema to pg
-- The core module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/core/.

begin;

create schema core;
comment on schema core is 'Ward registry, users, authors, e-papers, posts (monthly partitions), alerts and partition maintenance.';

commit;
