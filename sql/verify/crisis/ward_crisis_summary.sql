-- Verify lokdarpan:crisis/ward_crisis_summary on pg

begin;

insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at, first_response_at)
values ('flooding', 'high', 'verify a', 'responding', timestamptz '2020-01-01 10:00+00', timestamptz '2020-01-01 10:10+00'),
       ('protest', 'catastrophic', 'verify b', 'detected', timestamptz '2020-01-02 10:00+00', null);
insert into crisis.crisis_event_ward (crisis_id, ward_name)
select e.crisis_id, 'Kapra' from crisis.crisis_event e where e.title in ('verify a', 'verify b');
select 1 / count(*) from crisis.ward_crisis_summary s
 where s.ward_name = 'Kapra' and s.total_crises = 2 and s.high_severity_crises = 2 and s.active_crises = 2
   and s.avg_response_minutes = 10 and s.last_crisis_date = date '2020-01-02';
select 1 / (count(*) = 145)::int from crisis.ward_crisis_summary;
select 1 / (array_agg(o.title order by ordinality) = array['verify b', 'verify a'])::int
  from crisis.get_open_crises('Kapra') with ordinality o;

rollback;
