-- transactional: false
-- Deploy lokdarpan:adopt/mapping_extra to pg
-- requires: adopt/cutover
-- The mapping rows whose legacy values differ from core's, indexed apart: the compatibility
-- views' first branch (adopt.compat_view_sql) joins only these, not a mapping row per core row.
-- Built CONCURRENTLY (SHARE UPDATE EXCLUSIVE on adopt.mapping: the backfill and the continuous
-- apply keep writing; ~10 s per 1,000,000 mapped rows on 2 cores); an index an interrupted build
-- left invalid is dropped first, so a killed deploy is deployed again.

do $$
begin
    if exists (select from pg_catalog.pg_index i
                where i.indexrelid = to_regclass('adopt.ix_mapping__legacy_table__legacy_id__extra')
                  and not i.indisvalid) then
        drop index adopt.ix_mapping__legacy_table__legacy_id__extra;
    end if;
end
$$;

create index concurrently if not exists ix_mapping__legacy_table__legacy_id__extra
    on adopt.mapping (legacy_table, legacy_id) where legacy_extra <> '{}';

comment on index adopt.ix_mapping__legacy_table__legacy_id__extra is
    'The adopted rows with legacy values core holds differently (adopt.compat_view_sql reads them apart).';
