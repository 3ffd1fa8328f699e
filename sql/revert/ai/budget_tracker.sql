-- Revert lokdarpan:ai/budget_tracker from pg

begin;

drop function ai.reset_circuit_breaker(bigint);
drop function ai.can_spend(text, numeric, timestamptz, text, text);
drop function ai.budget_check(text, numeric, timestamptz, text, text);
drop function ai.record_model_execution(text, text, text, text, numeric, text, integer, integer, integer,
                                        numeric, bigint, text, text, timestamptz);
drop trigger tg_model_execution__immutable_cost on ai.model_execution;
drop function ai.tg_model_execution__immutable_cost();
drop trigger tg_model_execution__record_spend on ai.model_execution;
drop function ai.tg_model_execution__record_spend();
drop table ai.budget_tracker;
drop function ai.tg_budget_tracker__status();
drop function ai.jsonb_sum_merge(jsonb, jsonb);
drop function ai.budget_status(numeric, numeric, numeric, numeric);

commit;
