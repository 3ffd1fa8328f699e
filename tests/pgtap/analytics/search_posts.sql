-- Behaviour of analytics/search_posts (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- The (city, search_vector) GIN index exists and a ward-filtered search finds a post of its own.

begin;
select plan(3);

select ok(count(*) > 0, 'analytics/search_posts: check 1')
  from pg_catalog.pg_index i join pg_catalog.pg_am am on am.oid = (select relam from pg_catalog.pg_class
                                                                    where oid = i.indexrelid)
 where i.indexrelid = 'core.ix_post__city__search_vector'::regclass
   and am.amname = 'gin' and i.indnatts = 2;
insert into core.post (created_at, city, text, fingerprint)
values ('2026-03-10 06:00+00', 'Jubilee Hills', 'verify search flooded underpass ' || txid_current(),
        core.post_fingerprint('Jubilee Hills', null, '2026-03-10 06:00+00',
                              'verify search flooded underpass ' || txid_current()));
select ok(count(*) = 1 and bool_and(ward_name = 'Jubilee Hills'), 'analytics/search_posts: check 2')
  from analytics.search_posts('verify search underpass ' || txid_current(), 'jubilee hills', 5, null,
                              '2026-03-12 00:00+00');
select ok(count(*) = 0, 'analytics/search_posts: check 3')
  from analytics.search_posts('verify search underpass ' || txid_current(), 'Kapra', 5, null,
                              '2026-03-12 00:00+00');

select * from finish();
rollback;
