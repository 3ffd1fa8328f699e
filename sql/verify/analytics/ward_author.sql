-- Verify lokdarpan:analytics/ward_author on pg
-- Posts of its own move their author's newest time; a window ending now counts them.

begin;

insert into core.author (name) values ('verify ward author ' || txid_current());
insert into core.post (created_at, city, author_id, text, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify ward author ' || txid_current()),
       'verify ward author ' || t, sha256(convert_to('verify ward author ' || t, 'UTF8'))
  from (values (timestamptz '2099-01-10 06:10+00'), ('2099-01-12 20:10+00')) v(t);
select 1 / (w.last_post_at = '2099-01-12 20:10+00')::int
  from analytics.ward_author w
 where w.ward_name = 'Kapra' and w.author_id = (select author_id from core.author
                                                 where name = 'verify ward author ' || txid_current());
select 1 / ((analytics.ward_window('Kapra', '2099-01-11 00:00+00', '2099-01-13 00:00+00')).authors = 1)::int;
select 1 / ((analytics.ward_window('Kapra', '2099-01-13 00:00+00', '2099-01-14 00:00+00')).authors = 0)::int;

rollback;
