-- Behaviour of knowledge/talking_points (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

insert into core.app_user (username, email, password_hash)
values ('verify_tp', 'verify_tp@example.invalid', repeat('x', 60));
insert into knowledge.talking_points_template (name, purpose, body)
values ('verify template', 'briefing', 'Water in {ward}');
insert into knowledge.knowledge_base (title, content, content_type, verification_status, verified_by, verified_at,
                                      valid_from)
select 'verified', 'a verified fact', 'fact', 'verified', u.user_id, now() - interval '1 day', now() - interval '2 days'
  from core.app_user u where u.username = 'verify_tp';
insert into knowledge.knowledge_base (title, content, content_type) values ('unverified', 'an unverified fact', 'fact');
insert into knowledge.talking_points_generation (template_id, user_id, ward_name, output)
select t.template_id, u.user_id, 'Kapra', 'verify output'
  from knowledge.talking_points_template t, core.app_user u
 where t.name = 'verify template' and u.username = 'verify_tp';
insert into knowledge.talking_points_generation_fact (generation_id, fact_id)
select g.generation_id, k.fact_id
  from knowledge.talking_points_generation g, knowledge.knowledge_base k
 where g.output = 'verify output' and k.title = 'verified';
select lives_ok($tap$
do $$
begin
    insert into knowledge.talking_points_generation_fact (generation_id, fact_id)
    select g.generation_id, k.fact_id
      from knowledge.talking_points_generation g, knowledge.knowledge_base k
     where g.output = 'verify output' and k.title = 'unverified';
    raise exception 'an unverified fact was cited';
exception when check_violation then
    null;
end
$$;
$tap$, 'knowledge/talking_points: check 1');

select * from finish();
rollback;
