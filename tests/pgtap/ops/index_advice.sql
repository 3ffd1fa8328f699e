-- Behaviour of ops/index_advice (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Plants each defect on a scratch table and expects the matching view to report it.

begin;
select plan(7);

select ok(count(*) > 0, 'ops/index_advice: check 1') from ops.product_schema where schema_name = 'core';
create table ops.verify_parent (verify_id integer primary key, label text);
create table ops.verify_child (child_id integer primary key,
                               verify_id integer references ops.verify_parent (verify_id),
                               a integer, b integer);
create index verify_ix_a on ops.verify_child (a);
create index verify_ix_a_b on ops.verify_child (a, b);
create index verify_ix_a_again on ops.verify_child (a);
select ok(count(*) > 0, 'ops/index_advice: check 2') from ops.fk_without_index where table_name = 'verify_child' and columns = 'verify_id';
select ok(count(*) > 0, 'ops/index_advice: check 3') from ops.duplicate_index where table_name = 'verify_child' and kind = 'duplicate';
select ok(count(*) > 0, 'ops/index_advice: check 4') from ops.duplicate_index
 where table_name = 'verify_child' and kind = 'overlapping' and covering_index = 'verify_ix_a_b';
select ok(count(*) > 0, 'ops/index_advice: check 5') from ops.unused_index where table_name = 'verify_child' and index_name = 'verify_ix_a_b';
create table ops.verify_part (at date not null, v integer) partition by range (at);
create table ops.verify_part_p1 (at date not null, v integer);
alter table ops.verify_part attach partition ops.verify_part_p1 for values from ('2020-01-01') to ('2020-02-01');
create index verify_part_ix_v on only ops.verify_part (v);
select ok(count(*) > 0, 'ops/index_advice: check 6') from ops.partition_missing_index where partition_name = 'verify_part_p1';
select ok(count(*) > 0, 'ops/index_advice: check 7') from ops.invalid_index where index_name = 'verify_part_ix_v';

select * from finish();
rollback;
