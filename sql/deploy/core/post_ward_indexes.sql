-- Deploy lokdarpan:core/post_ward_indexes to pg
-- requires: core/post
-- requires: analytics/day_rollup
-- core.post drops its (city, party, created_at) and (city, emotion, created_at) indexes. The ward
-- functions read party and emotion counts from the rollups, and their edge reads (the partial
-- hours of a window) go through (city, created_at); plain SQL filtering a ward's posts by party
-- or emotion over a time range does the same. Each index cost ~5 us per ingested post
-- (145,000 posts: ~0.9 s of ~9 s, measured with both dropped) and answered no query we ship.
-- Dropping is a catalog change (files unlinked, nothing rebuilt) under a brief ACCESS EXCLUSIVE
-- lock on core.post and its partitions, which the deploy's lock_timeout ramp retries.

begin;

drop index core.ix_post__city__party__created_at;
drop index core.ix_post__city__emotion__created_at;

commit;
