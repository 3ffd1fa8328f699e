-- Revert lokdarpan:ai/model_execution from pg

begin;

delete from core.partition_policy where parent_schema = 'ai' and parent_table = 'model_execution';
drop table ai.model_execution;

commit;
