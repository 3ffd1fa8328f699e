-- Verify lokdarpan:analytics/ward_author_day on pg
-- An author's posts on two days move them from the first day to the second in the histogram; a
-- window ending now reads whole days from it (an edited row changes the count); the check runs.

begin;

insert into core.author (name) values ('verify ward author day ' || txid_current());
insert into core.post (created_at, city, author_id, text, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify ward author day ' || txid_current()),
       'verify ward author day ' || t, sha256(convert_to('verify ward author day ' || t, 'UTF8'))
  from (values (timestamptz '2099-01-10 06:10+00')) v(t);
insert into core.post (created_at, city, author_id, text, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify ward author day ' || txid_current()),
       'verify ward author day ' || t, sha256(convert_to('verify ward author day ' || t, 'UTF8'))
  from (values (timestamptz '2099-01-12 20:10+00')) v(t);
-- 2099-01-12 20:10 UTC is 2099-01-13 01:40 in Hyderabad
select 1 / (count(*) = 1)::int from analytics.ward_author_day
 where ward_name = 'Kapra' and day = '2099-01-13' and authors = 1;
select 1 / (count(*) = 0)::int from analytics.ward_author_day
 where ward_name = 'Kapra' and day = '2099-01-10' and authors <> 0;
select 1 / ((analytics.ward_window('Kapra', '2099-01-11 00:00+00', '2099-01-14 00:00+00')).authors = 1)::int;
update analytics.ward_author_day set authors = authors + 5 where ward_name = 'Kapra' and day = '2099-01-13';
select 1 / ((analytics.ward_window('Kapra', '2099-01-11 00:00+00', '2099-01-14 00:00+00')).authors = 6)::int;
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'ward_author_day_in_step' and status in ('PASS', 'FAIL');

rollback;
