-- Verify lokdarpan:knowledge/knowledge_base on pg

begin;

insert into knowledge.knowledge_base (title, content, content_type, ward_name)
values ('Verify', 'Verify fact', 'fact', 'Kapra');
select 1 / count(*) from knowledge.knowledge_base where title = 'Verify' and verification_status = 'unverified';
do $$
begin
    update knowledge.knowledge_base set verification_status = 'verified' where title = 'Verify';
    raise exception 'a verified fact without verifier was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
