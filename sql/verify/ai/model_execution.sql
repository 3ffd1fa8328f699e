-- Verify lokdarpan:ai/model_execution on pg

begin;

select 1 / count(*) from core.partition_policy where parent_schema = 'ai' and parent_table = 'model_execution';
select 1 / (count(*) >= 4)::int from core.partitions_of('ai.model_execution'::regclass) where not is_default;
insert into ai.model_execution (request_id, operation_type, provider, model_name, input_tokens, output_tokens,
                                cost_usd, status)
values ('verify', 'chat', 'openai', 'gpt-4o-mini', 10, 5, 0.0000012345, 'success');
select 1 / count(*) from ai.model_execution
 where request_id = 'verify' and total_tokens = 15 and cost_usd = 0.0000012345
   and tableoid <> 'ai.model_execution_default'::regclass;

rollback;
