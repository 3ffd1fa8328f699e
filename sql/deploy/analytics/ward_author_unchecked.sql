-- Deploy lokdarpan:analytics/ward_author_unchecked to pg
-- requires: analytics/ward_author
-- analytics.ward_author gets a new row for nearly every (ward, author) pair of a fresh day,
-- ~15,000 per 20,000-post batch, and its foreign key to core.ward checked each one with a query
-- of its own: ~17 us per ingested post (measured), a sixth of the whole insert. The ward of every
-- row comes from a post whose ward was checked by core.post's reference check, and a ward with
-- posts cannot be deleted or renamed (core.tg__restrict_post_reference); ward_author_drift()
-- shows any disagreement with core.post.

begin;

alter table analytics.ward_author drop constraint fk_ward_author__ward;
comment on table analytics.ward_author is
    'Each author''s newest post time per ward, kept by triggers on core.post (exact): distinct '
    'authors of a window ending after the ward''s newest post in one index range count. Keys are '
    'checked on core.post, not again here (no foreign keys).';

commit;
