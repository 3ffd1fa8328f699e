-- Behaviour of analytics/ward_author_day (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- An author's posts on two days move them from the first day to the second in the histogram; a
-- window ending now reads whole days from it (an edited row changes the count); the check runs.

begin;
select plan(5);

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
select ok(count(*) = 1, 'analytics/ward_author_day: check 1') from analytics.ward_author_day
 where ward_name = 'Kapra' and day = '2099-01-13' and authors = 1;
select ok(count(*) = 0, 'analytics/ward_author_day: check 2') from analytics.ward_author_day
 where ward_name = 'Kapra' and day = '2099-01-10' and authors <> 0;
select ok((analytics.ward_window('Kapra', '2099-01-11 00:00+00', '2099-01-14 00:00+00')).authors = 1, 'analytics/ward_author_day: check 3');
update analytics.ward_author_day set authors = authors + 5 where ward_name = 'Kapra' and day = '2099-01-13';
select ok((analytics.ward_window('Kapra', '2099-01-11 00:00+00', '2099-01-14 00:00+00')).authors = 6, 'analytics/ward_author_day: check 4');
select ok(count(*) > 0, 'analytics/ward_author_day: check 5') from ops.validate_data_integrity()
 where check_name = 'ward_author_day_in_step' and status in ('PASS', 'FAIL');

select * from finish();
rollback;
