-- Behaviour of analytics/ward_author (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Posts of its own move their author's newest time; a window ending now counts them.

begin;
select plan(3);

insert into core.author (name) values ('verify ward author ' || txid_current());
insert into core.post (created_at, city, author_id, text, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify ward author ' || txid_current()),
       'verify ward author ' || t, sha256(convert_to('verify ward author ' || t, 'UTF8'))
  from (values (timestamptz '2099-01-10 06:10+00'), ('2099-01-12 20:10+00')) v(t);
select ok(w.last_post_at = '2099-01-12 20:10+00', 'analytics/ward_author: check 1')
  from analytics.ward_author w
 where w.ward_name = 'Kapra' and w.author_id = (select author_id from core.author
                                                 where name = 'verify ward author ' || txid_current());
select ok((analytics.ward_window('Kapra', '2099-01-11 00:00+00', '2099-01-13 00:00+00')).authors = 1, 'analytics/ward_author: check 2');
select ok((analytics.ward_window('Kapra', '2099-01-13 00:00+00', '2099-01-14 00:00+00')).authors = 0, 'analytics/ward_author: check 3');

select * from finish();
rollback;
