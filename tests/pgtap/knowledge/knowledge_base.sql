-- Behaviour of knowledge/knowledge_base (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into knowledge.knowledge_base (title, content, content_type, ward_name)
values ('Verify', 'Verify fact', 'fact', 'Kapra');
select ok(count(*) > 0, 'knowledge/knowledge_base: check 1') from knowledge.knowledge_base where title = 'Verify' and verification_status = 'unverified';
select lives_ok($tap$
do $$
begin
    update knowledge.knowledge_base set verification_status = 'verified' where title = 'Verify';
    raise exception 'a verified fact without verifier was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'knowledge/knowledge_base: check 2');

select * from finish();
rollback;
