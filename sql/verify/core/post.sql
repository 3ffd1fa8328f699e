-- Verify lokdarpan:core/post on pg

begin;

select 1 / (count(*) >= 5)::int from core.partitions_of('core.post'::regclass) where not is_default;
select 1 / count(*) from core.partitions_of('core.post'::regclass) where is_default;
insert into core.post (created_at, city, text, fingerprint)
values (now(), 'Kapra', 'verify roads and water',
        core.post_fingerprint('Kapra', null, now(), 'verify roads and water'));
select 1 / count(*) from core.post
 where city = 'Kapra' and search_vector @@ to_tsquery('english', 'road')
   and tableoid <> 'core.post_default'::regclass;
do $$
begin
    insert into core.post (created_at, city, text, fingerprint)
    values (now(), 'Nowhere', 'x', core.post_fingerprint('Nowhere', null, now(), 'x'));
    raise exception 'a post with an unknown ward was accepted';
exception when foreign_key_violation then
    null;
end
$$;
select 1 / (core.create_monthly_post_partition(current_date + interval '1 month')
            = core.partition_name('post', (date_trunc('month', current_date) + interval '1 month')::date))::int;

rollback;
