-- Behaviour of knowledge/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

select ok(count(*) > 0, 'knowledge/integrity_check: check 1') from ops.validate_data_integrity()
 where check_name = 'knowledge_discredited_citations' and status = 'PASS';

select * from finish();
rollback;
