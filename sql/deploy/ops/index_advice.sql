-- Deploy lokdarpan:ops/index_advice to pg
-- requires: ops/schema
-- Index advice for DBAs, computed from the catalogs and statistics of every product schema
-- (ops.product_schema): unused indexes, duplicate or overlapping ones, foreign keys without an
-- index, invalid indexes (a failed concurrent build) and partitions missing an index their
-- parent has. Views, not checks: the DBA decides; the pgTAP style tests hold the schema itself
-- to "every foreign key indexed" through ops.fk_without_index.

begin;

create view ops.product_schema as
select n.oid as schema_oid, n.nspname::text as schema_name
  from pg_catalog.pg_namespace n
 where n.nspname not in ('pg_catalog', 'information_schema', 'public', 'extensions', 'lokdarpan_meta', 'sqitch')
   and n.nspname !~ '^pg_(toast|temp_|toast_temp_)';
comment on view ops.product_schema is
    'Schemas that hold the product''s objects (every schema except the system ones, public, '
    'extensions and the migration tools'' bookkeeping).';

create view ops.unused_index as
with idx as (
    select i.indexrelid, i.indrelid, ic.relkind,
           case when ic.relkind = 'I'
                then (select sum(pg_catalog.pg_stat_get_numscans(t.relid))
                        from pg_catalog.pg_partition_tree(i.indexrelid) t where t.isleaf)
                else pg_catalog.pg_stat_get_numscans(i.indexrelid) end as scans,
           case when ic.relkind = 'I'
                then (select sum(pg_catalog.pg_relation_size(t.relid))
                        from pg_catalog.pg_partition_tree(i.indexrelid) t where t.isleaf)
                else pg_catalog.pg_relation_size(i.indexrelid) end as size_bytes
      from pg_catalog.pg_index i
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
      join ops.product_schema s on s.schema_oid = ic.relnamespace
     where not i.indisunique and not i.indisprimary and not i.indisexclusion
       and not exists (select 1 from pg_catalog.pg_inherits h where h.inhrelid = i.indexrelid)
)
select s.schema_name, t.relname::text as table_name, ic.relname::text as index_name,
       idx.scans::bigint as index_scans, idx.size_bytes::bigint as size_bytes,
       pg_catalog.pg_size_pretty(idx.size_bytes::bigint) as size
  from idx
  join pg_catalog.pg_class ic on ic.oid = idx.indexrelid
  join pg_catalog.pg_class t on t.oid = idx.indrelid
  join ops.product_schema s on s.schema_oid = t.relnamespace
 where coalesce(idx.scans, 0) = 0;
comment on view ops.unused_index is
    'Non-unique indexes never scanned since the statistics were reset (a partitioned index counts the '
    'scans of all its partitions), with their size. Advice only: a fresh database has every index unused.';

create view ops.duplicate_index as
with idx as (
    select i.indexrelid, i.indrelid, ic.relam, i.indisunique,
           string_to_array(i.indkey::text, ' ')::int[] as keys,
           i.indclass::text as opclasses,
           coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), '') as exprs,
           coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), '') as pred
      from pg_catalog.pg_index i
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
      join ops.product_schema s on s.schema_oid = ic.relnamespace
     where not exists (select 1 from pg_catalog.pg_inherits h where h.inhrelid = i.indexrelid)
)
select s.schema_name, t.relname::text as table_name,
       a_c.relname::text as redundant_index, b_c.relname::text as covering_index,
       case when a.keys = b.keys and a.opclasses = b.opclasses then 'duplicate' else 'overlapping' end as kind,
       pg_catalog.pg_get_indexdef(a.indexrelid) as redundant_definition
  from idx a
  join idx b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid and b.relam = a.relam
            and b.exprs = a.exprs and b.pred = a.pred
  join pg_catalog.pg_class a_c on a_c.oid = a.indexrelid
  join pg_catalog.pg_class b_c on b_c.oid = b.indexrelid
  join pg_catalog.pg_class t on t.oid = a.indrelid
  join ops.product_schema s on s.schema_oid = t.relnamespace
 where a.relam = (select am.oid from pg_catalog.pg_am am where am.amname = 'btree')
   and cardinality(a.keys) <= cardinality(b.keys)
   and b.keys[1:cardinality(a.keys)] = a.keys
   and not a.indisunique
   and (a.keys <> b.keys or a.opclasses <> b.opclasses or a.indexrelid > b.indexrelid
        or b.indisunique);
comment on view ops.duplicate_index is
    'B-tree indexes made redundant by another index of the same table: duplicate (same columns) or '
    'overlapping (its columns are a leading prefix of the other''s), same expressions and predicate. '
    'Unique indexes are never reported as redundant (they enforce a constraint).';

create view ops.fk_without_index as
select s.schema_name, t.relname::text as table_name, k.conname::text as constraint_name,
       (select string_agg(a.attname, ', ' order by x.ord)
          from unnest(k.conkey) with ordinality x(attnum, ord)
          join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = x.attnum) as columns,
       k.confrelid::regclass::text as referenced_table
  from pg_catalog.pg_constraint k
  join pg_catalog.pg_class t on t.oid = k.conrelid
  join ops.product_schema s on s.schema_oid = t.relnamespace
 where k.contype = 'f' and k.conparentid = 0
   and not exists (
        select 1 from pg_catalog.pg_index i
         where i.indrelid = k.conrelid and i.indpred is null
           and cardinality(k.conkey) <= i.indnkeyatts
           and (select array_agg(c order by c) from unnest(k.conkey) c)
               = (select array_agg(c order by c)
                    from unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)]) c));
comment on view ops.fk_without_index is
    'Foreign keys whose columns are not the leading columns (in any order) of an index of the '
    'referencing table: deletes and key updates on the referenced table scan the whole table.';

create view ops.invalid_index as
select s.schema_name, t.relname::text as table_name, ic.relname::text as index_name,
       i.indisvalid as is_valid, i.indisready as is_ready, pg_catalog.pg_get_indexdef(i.indexrelid) as definition
  from pg_catalog.pg_index i
  join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  join pg_catalog.pg_class t on t.oid = i.indrelid
  join ops.product_schema s on s.schema_oid = t.relnamespace
 where not i.indisvalid or not i.indisready;
comment on view ops.invalid_index is
    'Indexes that are invalid or not ready (a failed concurrent index build, or a partitioned '
    'index still missing partitions): rebuild them (REINDEX without blocking writes on a live table) or drop and recreate.';

create view ops.partition_missing_index as
select s.schema_name, p.relname::text as parent_table, c.relname::text as partition_name,
       pi.relname::text as parent_index, pg_catalog.pg_get_indexdef(i.indexrelid) as parent_definition
  from pg_catalog.pg_index i
  join pg_catalog.pg_class pi on pi.oid = i.indexrelid and pi.relkind = 'I'
  join pg_catalog.pg_class p on p.oid = i.indrelid
  join ops.product_schema s on s.schema_oid = p.relnamespace
  join pg_catalog.pg_inherits h on h.inhparent = p.oid
  join pg_catalog.pg_class c on c.oid = h.inhrelid
 where not exists (select 1 from pg_catalog.pg_inherits hi
                     join pg_catalog.pg_index ci on ci.indexrelid = hi.inhrelid
                    where hi.inhparent = i.indexrelid and ci.indrelid = c.oid);
comment on view ops.partition_missing_index is
    'Partitions lacking an index that their partitioned parent has (attached through pg_inherits): '
    'queries on that partition cannot use the access path the parent promises.';

commit;
