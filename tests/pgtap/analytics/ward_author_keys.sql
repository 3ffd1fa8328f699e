-- Behaviour of analytics/ward_author_keys (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- No foreign key on analytics.ward_author, and core.post still refuses an unknown ward.

begin;
select plan(2);

select ok(count(*) = 0, 'analytics/ward_author_keys: check 1')
  from pg_catalog.pg_constraint where contype = 'f' and conrelid = 'analytics.ward_author'::regclass;
select lives_ok($tap$
do $$
begin
    insert into core.post (created_at, city, text, fingerprint)
    values ('2026-03-10 06:00+00', 'Atlantis', 'verify ward author keys', sha256('verify ward author keys'::bytea));
    raise exception 'core.post accepted a city that is not a ward';
exception
    when foreign_key_violation then null;
end
$$;
$tap$, 'analytics/ward_author_keys: check 2');

select * from finish();
rollback;
