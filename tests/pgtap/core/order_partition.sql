-- Behaviour of core/order_partition (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- On a throw-away partitioned table (created and dropped inside this transaction, so core.post
-- is never locked): a closed month is rewritten in its policy's order, stays attached under its
-- name with its indexes' names, loses no row, and is not rewritten a second time.

begin;
select plan(7);

create table core.verify_order_parent (id bigint not null, city text not null, created_at timestamptz not null,
                                       constraint pk_verify_order_parent primary key (id, created_at))
    partition by range (created_at);
create index ix_verify_order_parent__city on core.verify_order_parent (city, created_at);
insert into core.partition_policy (parent_schema, parent_table, order_by)
values ('core', 'verify_order_parent', 'city, created_at');
select ok(count(*) > 0, 'core/order_partition: check 1') from core.create_monthly_partition('core.verify_order_parent', date '2001-01-01', now());
insert into core.verify_order_parent values
    (1, 'b', '2001-01-05'), (2, 'a', '2001-01-06'), (3, 'b', '2001-01-02'), (4, 'a', '2001-01-01');
create temp table verify_index_names on commit drop as
select c.relname from pg_index x join pg_class c on c.oid = x.indexrelid
 where x.indrelid = 'core.verify_order_parent_p2001_01'::regclass;
select ok(count(*) = 1 and min(row_count) = 4, 'core/order_partition: check 2')
  from core.order_closed_partitions(now(), 'core.verify_order_parent');
select ok(string_agg(city || id, ',' order by ctid) = 'a4,a2,b3,b1', 'core/order_partition: check 3') from core.verify_order_parent_p2001_01;
select ok(count(*) = 1, 'core/order_partition: check 4') from core.partitions_of('core.verify_order_parent')
 where partition_name = 'verify_order_parent_p2001_01';
select ok(count(*) = 2, 'core/order_partition: check 5') from pg_index x join pg_class c on c.oid = x.indexrelid
 where x.indrelid = 'core.verify_order_parent_p2001_01'::regclass and c.relname in (select relname from verify_index_names);
select ok(count(*) = 0, 'core/order_partition: check 6') from core.order_closed_partitions(now(), 'core.verify_order_parent');
select ok(count(*) > 0, 'core/order_partition: check 7') from core.ordered_partition where table_name = 'verify_order_parent_p2001_01';

select * from finish();
rollback;
