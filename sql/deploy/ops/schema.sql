-- Deploy lokdarpan:ops/schema to pg
-- The ops module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/ops/.

begin;

create schema ops;
comment on schema ops is 'Integrity checks, performance thresholds, index advice and health metrics.';

commit;
