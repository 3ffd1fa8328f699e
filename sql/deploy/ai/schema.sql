-- Deploy lokdarpan:ai/schema to pg
-- The ai module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/ai/.

begin;

create schema ai;
comment on schema ai is 'Embedding store (pgvector), model executions, reports, budgets with a circuit breaker.';

commit;
