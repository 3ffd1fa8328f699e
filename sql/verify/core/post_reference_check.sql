-- Verify lokdarpan:core/post_reference_check on pg
-- The check still refuses an unknown ward and accepts a known one.

begin;

select 1 / (pg_catalog.pg_get_functiondef('core.tg_post__check_references()'::regprocedure)
            like '%bool_or(w.ward_name is null)%')::int;
insert into core.post (created_at, city, text, fingerprint)
values ('2026-03-10 06:00+00', 'Kapra', 'verify reference check', sha256('verify reference check'::bytea));
do $$
begin
    insert into core.post (created_at, city, text, fingerprint)
    values ('2026-03-10 06:00+00', 'Atlantis', 'verify reference check', sha256('atlantis'::bytea));
    raise exception 'core.post accepted a city that is not a ward';
exception
    when foreign_key_violation then null;
end
$$;

rollback;
