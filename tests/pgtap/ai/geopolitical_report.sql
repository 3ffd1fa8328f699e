-- Behaviour of ai/geopolitical_report (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into core.app_user (username, email, password_hash) values ('verify_ai_report', 'verify@ai.invalid', repeat('x', 32));
insert into ai.geopolitical_report (user_id, query_text, ward_context)
select u.user_id, 'verify query', 'Kapra' from core.app_user u where u.username = 'verify_ai_report';
select ok(count(*) > 0, 'ai/geopolitical_report: check 1') from ai.geopolitical_report
 where query_hash = core.text_sha256('verify query') and status = 'queued' and not is_archived;
select lives_ok($tap$
do $$
begin
    update ai.geopolitical_report set status = 'completed' where query_text = 'verify query';
    raise exception 'a completed report without completed_at was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'ai/geopolitical_report: check 2');

select * from finish();
rollback;
