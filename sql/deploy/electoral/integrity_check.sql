-- Deploy lokdarpan:electoral/integrity_check to pg
-- requires: electoral/result
-- requires: ops/integrity_check
-- Registers the electoral module's checks behind ops.validate_data_integrity(): ward vote
-- shares that do not sum to 100, and elections whose station results changed after their
-- ward aggregate was computed (the aggregate is stale).

begin;

create function electoral.check_vote_share_sum()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, electoral
as $$
    select case when count(*) = 0 then 'PASS' else 'FAIL' end, count(*),
           case when count(*) = 0 then 'vote shares of every ward and election sum to 100'
                else 'ward-elections whose vote shares do not sum to 100 (+/- 0.01): '
                     || string_agg(x.label, ', ' order by x.label) end
      from (select a.election_id || '/' || a.ward_name as label
              from electoral.result_ward_agg a
             where a.vote_share is not null
             group by a.election_id, a.ward_name
            having abs(sum(a.vote_share) - 100) > 0.01) x
$$;
comment on function electoral.check_vote_share_sum() is
    'Integrity check: FAIL with the (election/ward) list when the vote shares of a ward and '
    'election in result_ward_agg do not sum to 100 within 0.01; PASS otherwise. One pass over '
    'result_ward_agg.';

create function electoral.check_stale_ward_aggregate()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, electoral
as $$
    select case when count(*) = 0 then 'PASS' else 'WARN' end, count(*),
           case when count(*) = 0 then 'every election''s ward aggregate is up to date'
                else 'elections whose station results are newer than their ward aggregate (run '
                     'electoral.aggregate_ward_results): ' || string_agg(x.election_id::text, ', '
                                                                         order by x.election_id) end
      from (select t.election_id
              from electoral.result_ps_total t
             group by t.election_id
            having max(t.created_at) > coalesce((select max(a.computed_at) from electoral.result_ward_agg a
                                                  where a.election_id = t.election_id), '-infinity')) x
$$;
comment on function electoral.check_stale_ward_aggregate() is
    'Integrity check: WARN listing the elections whose station results were loaded after their '
    'ward aggregate was computed (or never aggregated); PASS otherwise. One pass over result_ps_total.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('electoral_vote_share_sum', 'electoral.check_vote_share_sum',
     'Vote shares of each ward and election sum to 100'),
    ('electoral_stale_ward_aggregate', 'electoral.check_stale_ward_aggregate',
     'Ward aggregates are newer than the station results they come from');

commit;
