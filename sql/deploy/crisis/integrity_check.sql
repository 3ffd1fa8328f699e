-- Deploy lokdarpan:crisis/integrity_check to pg
-- requires: crisis/crisis_event
-- requires: ops/integrity_check
-- Registers the crisis module's checks behind ops.validate_data_integrity(): open crises with
-- no ward in their scope (no ward's coordinators will see them) and scope rows whose copy of
-- the open flag disagrees with their crisis (the open-crises lookup would be wrong).

begin;

create function crisis.check_open_without_scope()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, crisis
as $$
    select case when count(*) = 0 then 'PASS' else 'WARN' end, count(*),
           case when count(*) = 0 then 'every open crisis has at least one ward in scope'
                else 'open crises without any ward in scope (crisis.set_crisis_scope): '
                     || string_agg(e.crisis_id::text, ', ' order by e.crisis_id) end
      from crisis.crisis_event e
     where e.is_open
       and not exists (select 1 from crisis.crisis_event_ward cw where cw.crisis_id = e.crisis_id)
$$;
comment on function crisis.check_open_without_scope() is
    'Integrity check: WARN listing open crises with no ward in crisis_event_ward; PASS otherwise. '
    'Cost: one anti-join over the open crises (partial index).';

create function crisis.check_scope_open_flag()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, crisis
as $$
    select case when count(*) = 0 then 'PASS' else 'FAIL' end, count(*),
           case when count(*) = 0 then 'every scope row agrees with its crisis on being open'
                else 'scope rows whose is_open differs from their crisis (crisis ids): '
                     || string_agg(distinct cw.crisis_id::text, ', ') end
      from crisis.crisis_event_ward cw
      join crisis.crisis_event e on e.crisis_id = cw.crisis_id
     where cw.is_open <> e.is_open
$$;
comment on function crisis.check_scope_open_flag() is
    'Integrity check: FAIL when a crisis_event_ward.is_open copy differs from crisis_event.is_open '
    '(triggers keep them equal); PASS otherwise. Cost: one join over all scope rows.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('crisis_open_without_scope', 'crisis.check_open_without_scope',
     'Every open crisis is visible to at least one ward'),
    ('crisis_scope_open_flag', 'crisis.check_scope_open_flag',
     'Scope rows agree with their crisis on being open');

commit;
