-- Revert lokdarpan:knowledge/knowledge_base from pg

begin;

drop table knowledge.knowledge_base;

commit;
