-- Revert lokdarpan:knowledge/integrity_check from pg

begin;

delete from ops.integrity_check where check_name = 'knowledge_discredited_citations';
drop function knowledge.check_discredited_citations();

commit;
