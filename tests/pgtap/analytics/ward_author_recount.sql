-- Behaviour of the reworked UPDATE/DELETE trigger of analytics/ward_author
-- (analytics.tg_post__ward_author_change) in one session: deleting or moving an author's newest
-- post moves the author back or across wards and days, a row lost by hand comes back, no
-- placeholder (-infinity) is left. Under concurrent writers:
-- tests/analytics/test_rollup_concurrency.py. Fixed dates in 2099-01, whatever today is.

begin;
select plan(7);

insert into core.author (name) values ('recount author');
insert into core.post (created_at, city, author_id, text, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'recount author'),
       'recount author ' || t, core.post_fingerprint('Kapra', 'recount author', t, 'recount author ' || t)
  from (values (timestamptz '2099-01-10 06:10+00'), ('2099-01-12 06:10+00')) v(t);

create temp table ra on commit drop as
select author_id as a from core.author where name = 'recount author';

-- the newest post deleted: the author's newest time goes back to the older post, and the
-- author moves from day 2099-01-12 to 2099-01-10 in the histogram
delete from core.post where city = 'Kapra' and created_at = '2099-01-12 06:10+00' and author_id = (select a from ra);
select ok((select last_post_at from analytics.ward_author where ward_name = 'Kapra' and author_id = (select a from ra))
          = '2099-01-10 06:10+00', 'deleting the newest post takes the author back to the older one');
select ok(coalesce((select authors from analytics.ward_author_day where ward_name = 'Kapra' and day = '2099-01-12'), 0) = 0
          and (select authors from analytics.ward_author_day where ward_name = 'Kapra' and day = '2099-01-10') = 1,
          'and moves the author between the days of the histogram');

-- an update that changes nothing the author table keeps: no change
update core.post set emotion = 'positive' where author_id = (select a from ra);
select ok((select last_post_at from analytics.ward_author where ward_name = 'Kapra' and author_id = (select a from ra))
          = '2099-01-10 06:10+00', 'an update of another column keeps the row');

-- the post moved to another ward: the author leaves Kapra and arrives in Jubilee Hills
update core.post set city = 'Jubilee Hills' where author_id = (select a from ra);
select ok(not exists (select 1 from analytics.ward_author where ward_name = 'Kapra' and author_id = (select a from ra))
          and (select last_post_at from analytics.ward_author where ward_name = 'Jubilee Hills'
                and author_id = (select a from ra)) = '2099-01-10 06:10+00',
          'a post moved to another ward moves its author there');

-- a row lost by hand comes back with the next update of the author's posts
delete from analytics.ward_author where ward_name = 'Jubilee Hills' and author_id = (select a from ra);
update analytics.ward_author_day set authors = authors - 1 where ward_name = 'Jubilee Hills' and day = '2099-01-10';
update core.post set emotion = 'negative' where author_id = (select a from ra);
select ok((select last_post_at from analytics.ward_author where ward_name = 'Jubilee Hills'
            and author_id = (select a from ra)) = '2099-01-10 06:10+00',
          'a missing row is recounted from the posts');
select ok(not exists (select 1 from analytics.ward_author where last_post_at = '-infinity'),
          'no placeholder is left behind');
select ok(count(*) = 0, 'no drift in ward_author nor in its day histogram')
  from (select 1 from analytics.ward_author_drift('2099-01-01')
        union all
        select 1 from analytics.ward_author_day_drift('2099-01-01')) d;

select * from finish();
rollback;
