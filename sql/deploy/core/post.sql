-- transactional: false
-- Deploy lokdarpan:core/post to pg
-- requires: core/post@v1.0.0
-- requires: ingest/merge
-- requires: adopt/sync
-- Reworked after @v1.0.0 (the first version is post@v1.0.0.sql); it changes one key of
-- that change. Re-keys the global dedupe table core.post_fingerprint by (created_at,
-- fingerprint) instead of fingerprint alone. The fingerprint is a sha256 that hashes the post's instant, so the two keys
-- refuse exactly the same rows; but a day's new fingerprints landed on random leaves of the
-- sha256 index (86 % of its pages changed by one day of 145,000 posts at 10,000,000 posts: most of
-- a day's incremental base backup), while keys that lead with the instant land at the index's
-- right edge, on a few pages. The writers (ingest/merge as reworked, adopt/sync) name no conflict
-- target, so they work under either key; lookups by fingerprint also give created_at.
--
-- Runs outside a transaction, one statement at a time (the engine runs each statement that can run
-- in a transaction in one of its own, under the lock ramp; so does psql under sqitch):
-- 1. an index left invalid by an interrupted earlier attempt is dropped (brief ACCESS EXCLUSIVE);
-- 2. the new unique index is built CONCURRENTLY (SHARE UPDATE EXCLUSIVE: writers and readers go
--    on; ~1 minute at 10,000,000 posts on 2 cores);
-- 3. one ALTER swaps the primary key onto it (ACCESS EXCLUSIVE on core.post_fingerprint for
--    milliseconds: no scan, the columns are already NOT NULL; only ingest and adoption write the
--    table, the application never reads it).
-- Every statement can run again: a deploy killed half-way is deployed again.

do $$
begin
    if exists (select from pg_catalog.pg_index i
                where i.indexrelid = to_regclass('core.uq_post_fingerprint__created_at__fingerprint')
                  and not i.indisvalid) then
        drop index core.uq_post_fingerprint__created_at__fingerprint;
    end if;
end
$$;

create unique index concurrently if not exists uq_post_fingerprint__created_at__fingerprint
    on core.post_fingerprint (created_at, fingerprint);

do $$
begin
    if pg_catalog.pg_get_constraintdef((select c.oid from pg_catalog.pg_constraint c
                                         where c.conrelid = 'core.post_fingerprint'::regclass
                                           and c.conname = 'pk_post_fingerprint'))
       = 'PRIMARY KEY (fingerprint)' then
        alter table core.post_fingerprint
            drop constraint pk_post_fingerprint,
            add constraint pk_post_fingerprint primary key
                using index uq_post_fingerprint__created_at__fingerprint;
    end if;
end
$$;
