-- Revert lokdarpan:analytics/ward_author_unchecked from pg
-- The foreign key to core.ward again (validated against the rows present).

begin;

alter table analytics.ward_author
    add constraint fk_ward_author__ward foreign key (ward_name) references core.ward (ward_name);
comment on table analytics.ward_author is
    'Each author''s newest post time per ward, kept by triggers on core.post (exact): distinct '
    'authors of a window ending after the ward''s newest post in one index range count. author_id '
    'is not a foreign key: core.post checks it, and an author with posts cannot be deleted.';

commit;
