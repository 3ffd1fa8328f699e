-- Behaviour of ai/model_execution (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

select ok(count(*) > 0, 'ai/model_execution: check 1') from core.partition_policy where parent_schema = 'ai' and parent_table = 'model_execution';
select ok(count(*) >= 4, 'ai/model_execution: check 2') from core.partitions_of('ai.model_execution'::regclass) where not is_default;
insert into ai.model_execution (request_id, operation_type, provider, model_name, input_tokens, output_tokens,
                                cost_usd, status)
values ('verify', 'chat', 'openai', 'gpt-4o-mini', 10, 5, 0.0000012345, 'success');
select ok(count(*) > 0, 'ai/model_execution: check 3') from ai.model_execution
 where request_id = 'verify' and total_tokens = 15 and cost_usd = 0.0000012345
   and tableoid <> 'ai.model_execution_default'::regclass;

select * from finish();
rollback;
