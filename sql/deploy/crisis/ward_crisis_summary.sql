-- Deploy lokdarpan:crisis/ward_crisis_summary to pg
-- requires: crisis/crisis_event
-- requires: core/ward
-- Phase 4: the per-ward crisis summary the seeds name (ward_crisis_summary) and the
-- "open crises of this ward by priority" function coordination polls; the function reads the
-- partial index of open scope rows of the ward and probes crisis_event by primary key, so its
-- cost follows the ward's open crises, not its history.

begin;

create view crisis.ward_crisis_summary as
select w.ward_name,
       count(e.crisis_id) as total_crises,
       count(e.crisis_id) filter (where e.severity_rank >= 3) as high_severity_crises,
       count(e.crisis_id) filter (where e.is_open) as active_crises,
       round(avg(extract(epoch from (e.first_response_at - e.detected_at))) / 60, 2) as avg_response_minutes,
       max(e.detected_at) as last_crisis_at,
       (max(e.detected_at) at time zone 'Asia/Kolkata')::date as last_crisis_date
  from core.ward w
  left join crisis.crisis_event_ward cw on cw.ward_name = w.ward_name
  left join crisis.crisis_event e on e.crisis_id = cw.crisis_id
 group by w.ward_name;
comment on view crisis.ward_crisis_summary is
    'One row per ward (all 145, zeros when none): total crises touching the ward, high-severity '
    'ones (high, critical, catastrophic), active ones (open status), average minutes from '
    'detection to first response over crises that had one (2 places, NULL if none), and the '
    'last detection (instant, and its date in Asia/Kolkata). A crisis counts in every ward of its scope.';

create function crisis.get_open_crises(p_ward text)
returns table (crisis_id bigint, crisis_type text, severity text, severity_rank smallint,
               priority_score numeric, status text, title text, detected_at timestamptz,
               first_response_at timestamptz, wards_in_scope integer)
language sql
stable
parallel safe
set search_path = pg_catalog, crisis
as $$
    select e.crisis_id, e.crisis_type, e.severity, e.severity_rank, e.priority_score, e.status, e.title,
           e.detected_at, e.first_response_at,
           (select count(*)::integer from crisis.crisis_event_ward s where s.crisis_id = e.crisis_id)
      from crisis.crisis_event_ward cw
      join crisis.crisis_event e on e.crisis_id = cw.crisis_id
     where cw.ward_name = p_ward
       and cw.is_open
       and e.is_open
     order by e.severity_rank desc, e.priority_score desc, e.detected_at, e.crisis_id
$$;
comment on function crisis.get_open_crises(text) is
    'Open crises (status not resolved / closed / false_alarm) whose scope includes ward p_ward '
    '(exact core.ward name), ordered by priority: severity (catastrophic first), then '
    'priority_score (highest first), then oldest detection first; with the number of wards in '
    'each crisis''s scope. Cost: one range scan of the partial index of open scope rows of the ward '
    '(ix_crisis_event_ward__ward_name__open) plus one primary-key probe per open crisis: it follows '
    'the ward''s open crises, not its history (see docs/domain.md for measurements).';

commit;
