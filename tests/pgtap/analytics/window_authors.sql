-- Behaviour of analytics/window_authors (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- One author posts on two days: a window holding only the first post counts them through the
-- probe on core.post (their newest post is later), a window ending after the second through
-- the day histogram, a window between the posts not at all; ward_window and
-- ward_analytics_summary count through window_authors.

begin;
select plan(5);

insert into core.author (name) values ('verify window authors ' || txid_current());
insert into core.post (created_at, city, author_id, text, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify window authors ' || txid_current()),
       'verify window authors ' || t, sha256(convert_to('verify window authors ' || t, 'UTF8'))
  from (values (timestamptz '2099-02-10 06:10+00'), (timestamptz '2099-02-12 20:10+00')) v(t);
select ok(analytics.window_authors('Kapra', '2099-02-10 00:00+00', '2099-02-11 00:00+00') = 1, 'analytics/window_authors: check 1');
select ok(analytics.window_authors('Kapra', '2099-02-10 07:00+00', '2099-02-12 00:00+00') = 0, 'analytics/window_authors: check 2');
select ok(analytics.window_authors('Kapra', '2099-02-09 00:00+00', '2099-02-14 00:00+00') = 1, 'analytics/window_authors: check 3');
select ok((analytics.ward_window('Kapra', '2099-02-10 00:00+00', '2099-02-11 00:00+00')).authors = 1, 'analytics/window_authors: check 4');
select lives_ok($tap$
select 1 / (pg_get_viewdef('analytics.ward_analytics_summary'::regclass) like '%window_authors(%')::int;
$tap$, 'analytics/window_authors: check 5');
select unique_authors_30d from analytics.ward_analytics_summary_by_ward where false;

select * from finish();
rollback;
