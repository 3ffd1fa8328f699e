-- transactional: false
-- Revert lokdarpan:adopt/mapping_extra from pg
-- The index alone (SHARE UPDATE EXCLUSIVE on adopt.mapping while it goes).

drop index concurrently if exists adopt.ix_mapping__legacy_table__legacy_id__extra;
