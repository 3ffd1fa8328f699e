-- Behaviour of crisis/ward_crisis_summary (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at, first_response_at)
values ('flooding', 'high', 'verify a', 'responding', timestamptz '2020-01-01 10:00+00', timestamptz '2020-01-01 10:10+00'),
       ('protest', 'catastrophic', 'verify b', 'detected', timestamptz '2020-01-02 10:00+00', null);
insert into crisis.crisis_event_ward (crisis_id, ward_name)
select e.crisis_id, 'Kapra' from crisis.crisis_event e where e.title in ('verify a', 'verify b');
select ok(count(*) > 0, 'crisis/ward_crisis_summary: check 1') from crisis.ward_crisis_summary s
 where s.ward_name = 'Kapra' and s.total_crises = 2 and s.high_severity_crises = 2 and s.active_crises = 2
   and s.avg_response_minutes = 10 and s.last_crisis_date = date '2020-01-02';
select ok(count(*) = 145, 'crisis/ward_crisis_summary: check 2') from crisis.ward_crisis_summary;
select ok(array_agg(o.title order by ordinality) = array['verify b', 'verify a'], 'crisis/ward_crisis_summary: check 3')
  from crisis.get_open_crises('Kapra') with ordinality o;

select * from finish();
rollback;
