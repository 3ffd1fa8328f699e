-- Revert lokdarpan:core/post_ward_indexes from pg
-- Builds both indexes again on every partition (a long lock on a large table; see
-- docs/operations.md for the per-partition way).

begin;

create index ix_post__city__party__created_at on core.post (city, party, created_at);
create index ix_post__city__emotion__created_at on core.post (city, emotion, created_at);

commit;
