-- Behaviour of core/post (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(8);

select ok(count(*) >= 5, 'core/post: check 1') from core.partitions_of('core.post'::regclass) where not is_default;
select ok(count(*) > 0, 'core/post: check 2') from core.partitions_of('core.post'::regclass) where is_default;
insert into core.post (created_at, city, text, fingerprint)
values (now(), 'Kapra', 'verify roads and water',
        core.post_fingerprint('Kapra', null, now(), 'verify roads and water'));
select ok(count(*) > 0, 'core/post: check 3') from core.post
 where city = 'Kapra' and search_vector @@ to_tsquery('english', 'road')
   and tableoid <> 'core.post_default'::regclass;
select lives_ok($tap$
do $$
begin
    insert into core.post (created_at, city, text, fingerprint)
    values (now(), 'Nowhere', 'x', core.post_fingerprint('Nowhere', null, now(), 'x'));
    raise exception 'a post with an unknown ward was accepted';
exception when foreign_key_violation then
    null;
end
$$;
$tap$, 'core/post: check 4');
select ok(core.create_monthly_post_partition(current_date + interval '1 month')
            = core.partition_name('post', (date_trunc('month', current_date) + interval '1 month')::date), 'core/post: check 5');
-- the reworked dedupe key (created_at, fingerprint) refuses what the fingerprint alone refused
select col_is_pk('core', 'post_fingerprint', array['created_at', 'fingerprint'],
                 'core/post: the dedupe key leads with the instant');
insert into core.post_fingerprint (fingerprint, post_id, created_at)
values (core.post_fingerprint('Kapra', 'a', '2025-01-01 00:00+00', 'same'), -1, '2025-01-01 00:00+00');
select throws_ok($$insert into core.post_fingerprint (fingerprint, post_id, created_at)
                   values (core.post_fingerprint('Kapra', 'a', '2025-01-01 00:00+00', 'same'), -2,
                           '2025-01-01 00:00+00')$$,
                 '23505', null, 'core/post: the same post twice is refused');
insert into core.post_fingerprint (fingerprint, post_id, created_at)
values (core.post_fingerprint('Kapra', 'a', '2025-01-01 00:00+00', 'same'), -3, '2025-01-01 00:00+00')
on conflict do nothing;
select is((select post_id from core.post_fingerprint
            where fingerprint = core.post_fingerprint('Kapra', 'a', '2025-01-01 00:00+00', 'same')), -1::bigint,
          'core/post: ON CONFLICT DO NOTHING with no target skips the duplicate');

select * from finish();
rollback;
