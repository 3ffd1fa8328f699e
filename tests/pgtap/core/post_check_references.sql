-- Behaviour of core/post_check_references (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- The check still refuses an unknown ward and accepts a known one.

begin;
select plan(2);

select ok(pg_catalog.pg_get_functiondef('core.tg_post__check_references()'::regprocedure)
            like '%bool_or(w.ward_name is null)%', 'core/post_check_references: check 1');
insert into core.post (created_at, city, text, fingerprint)
values ('2026-03-10 06:00+00', 'Kapra', 'verify reference check', sha256('verify reference check'::bytea));
select lives_ok($tap$
do $$
begin
    insert into core.post (created_at, city, text, fingerprint)
    values ('2026-03-10 06:00+00', 'Atlantis', 'verify reference check', sha256('atlantis'::bytea));
    raise exception 'core.post accepted a city that is not a ward';
exception
    when foreign_key_violation then null;
end
$$;
$tap$, 'core/post_check_references: check 2');

select * from finish();
rollback;
