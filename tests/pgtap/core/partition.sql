-- Behaviour of core/partition (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Exercises the machinery on a scratch table (rolled back): create ahead, move rows out of the
-- default partition, refuse an absurd month, detach by retention.

begin;
select plan(5);

create table core.verify_partition (at timestamptz not null, v int) partition by range (at);
create table core.verify_partition_default partition of core.verify_partition default;
insert into core.partition_policy (parent_schema, parent_table, months_ahead, retention_months)
values ('core', 'verify_partition', 1, 2);
insert into core.verify_partition values ('2026-03-15 12:00+00', 1), ('2026-06-02 00:00+00', 2);
select ok(count(*) = 3, 'core/partition: check 1')
  from core.ensure_partitions('2026-05-10 00:00+00', 'core.verify_partition'::regclass);
select ok(count(*) = 1, 'core/partition: check 2') from core.verify_partition_p2026_06;
select ok(count(*) = 1, 'core/partition: check 3') from core.verify_partition_default;
select lives_ok($tap$
do $$
begin
    perform core.create_monthly_partition('core.verify_partition', date '9999-12-01',
                                          '2026-05-10 00:00+00');
    raise exception 'the partition guard did not refuse year 9999';
exception when invalid_parameter_value then
    null;
end
$$;
$tap$, 'core/partition: check 4');
select ok(count(*) = 1, 'core/partition: check 5')
  from core.detach_old_partitions('2026-07-01 00:00+00', 'core.verify_partition'::regclass)
 where action = 'detached';

select * from finish();
rollback;
