-- transactional: false
-- Revert lokdarpan:core/post from pg
-- Back to the primary key (fingerprint), rebuilt CONCURRENTLY beside the current one and then
-- swapped in by one short ALTER (ACCESS EXCLUSIVE for milliseconds), the deploy's steps mirrored:
-- revert never blocks ingest for the ~1 minute a build takes at 10,000,000 posts.

do $$
begin
    if exists (select from pg_catalog.pg_index i
                where i.indexrelid = to_regclass('core.uq_post_fingerprint__fingerprint')
                  and not i.indisvalid) then
        drop index core.uq_post_fingerprint__fingerprint;
    end if;
end
$$;

create unique index concurrently if not exists uq_post_fingerprint__fingerprint
    on core.post_fingerprint (fingerprint);

do $$
begin
    if pg_catalog.pg_get_constraintdef((select c.oid from pg_catalog.pg_constraint c
                                         where c.conrelid = 'core.post_fingerprint'::regclass
                                           and c.conname = 'pk_post_fingerprint'))
       = 'PRIMARY KEY (created_at, fingerprint)' then
        alter table core.post_fingerprint
            drop constraint pk_post_fingerprint,
            add constraint pk_post_fingerprint primary key using index uq_post_fingerprint__fingerprint;
    end if;
end
$$;
