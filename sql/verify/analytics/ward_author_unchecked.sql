-- Verify lokdarpan:analytics/ward_author_unchecked on pg
-- No foreign key on analytics.ward_author, and core.post still refuses an unknown ward.

begin;

select 1 / (count(*) = 0)::int
  from pg_catalog.pg_constraint where contype = 'f' and conrelid = 'analytics.ward_author'::regclass;
do $$
begin
    insert into core.post (created_at, city, text, fingerprint)
    values ('2026-03-10 06:00+00', 'Atlantis', 'verify ward author keys', sha256('verify ward author keys'::bytea));
    raise exception 'core.post accepted a city that is not a ward';
exception
    when foreign_key_violation then null;
end
$$;

rollback;
