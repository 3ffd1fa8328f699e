-- Deploy lokdarpan:electoral/result to pg
-- requires: electoral/polling_station
-- requires: core/vocabulary
-- requires: core/ward
-- Form-20 results per polling station (station totals and votes per party) and their ward
-- aggregate, written by electoral.aggregate_ward_results(election): votes, vote share and
-- turnout per ward, the numbers every ward profile and feature is built from.

begin;

create table electoral.result_ps_total (
    election_id         bigint not null constraint fk_result_ps_total__election_id references electoral.election (election_id),
    polling_station_id  bigint not null constraint fk_result_ps_total__polling_station_id references electoral.polling_station (polling_station_id),
    electors            integer not null,
    total_polled        integer not null,
    rejected_votes      integer not null default 0,
    created_at          timestamptz not null default now(),
    constraint pk_result_ps_total primary key (election_id, polling_station_id),
    constraint ck_result_ps_total__electors check (electors >= 0),
    constraint ck_result_ps_total__polled check (total_polled between 0 and electors),
    constraint ck_result_ps_total__rejected check (rejected_votes between 0 and total_polled)
);
create index ix_result_ps_total__polling_station_id on electoral.result_ps_total (polling_station_id);
comment on table electoral.result_ps_total is
    'Per polling station and election: electors on the roll, votes polled and votes rejected '
    '(Form-20 totals). Votes per party are in electoral.result_ps.';
comment on column electoral.result_ps_total.electors is 'Electors on the roll of the station.';
comment on column electoral.result_ps_total.total_polled is
    'Votes polled at the station (valid + rejected); at most electors, so turnout stays within 0-100.';
comment on column electoral.result_ps_total.rejected_votes is 'Votes rejected as invalid; at most total_polled.';

create table electoral.result_ps (
    election_id         bigint not null,
    polling_station_id  bigint not null,
    party               text not null constraint fk_result_ps__party references core.party (party),
    candidate_name      text,
    votes               integer not null,
    created_at          timestamptz not null default now(),
    constraint pk_result_ps primary key (election_id, polling_station_id, party),
    constraint fk_result_ps__result_ps_total foreign key (election_id, polling_station_id)
        references electoral.result_ps_total (election_id, polling_station_id) on delete cascade,
    constraint ck_result_ps__votes check (votes >= 0)
);
create index ix_result_ps__party on electoral.result_ps (party);
comment on table electoral.result_ps is
    'Votes per party per polling station per election (Form-20). The station''s totals row '
    '(electoral.result_ps_total) must exist first; the sum of party votes of a station may not '
    'exceed its valid votes (total_polled - rejected_votes), checked at commit.';
comment on column electoral.result_ps.party is 'Canonical party (core.party); NOTA and Independent are parties here.';
comment on column electoral.result_ps.candidate_name is 'Candidate as printed on Form-20, if known.';

create function electoral.tg_result_ps__check_valid_votes()
returns trigger
language plpgsql
set search_path = pg_catalog, electoral
as $$
declare
    v_valid   bigint;
    v_counted bigint;
begin
    if tg_op = 'DELETE' then
        return null;
    end if;
    select t.total_polled - t.rejected_votes into v_valid
      from electoral.result_ps_total t
     where t.election_id = new.election_id and t.polling_station_id = new.polling_station_id;
    if not found then
        return null;  -- the row went with its totals row (cascade)
    end if;
    select coalesce(sum(r.votes), 0) into v_counted
      from electoral.result_ps r
     where r.election_id = new.election_id and r.polling_station_id = new.polling_station_id;
    if v_counted > v_valid then
        raise exception 'party votes (%) exceed the valid votes (%) of polling station % in election %',
            v_counted, v_valid, new.polling_station_id, new.election_id
            using errcode = 'check_violation';
    end if;
    return null;
end
$$;
comment on function electoral.tg_result_ps__check_valid_votes() is
    'Deferred constraint trigger on electoral.result_ps and electoral.result_ps_total: the sum of '
    'party votes of a station and election must not exceed total_polled - rejected_votes; raises '
    'check_violation (23514) at commit otherwise. One indexed sum per changed row.';

create constraint trigger tg_result_ps__check_valid_votes
    after insert or update on electoral.result_ps
    deferrable initially deferred
    for each row execute function electoral.tg_result_ps__check_valid_votes();
create constraint trigger tg_result_ps_total__check_valid_votes
    after update on electoral.result_ps_total
    deferrable initially deferred
    for each row execute function electoral.tg_result_ps__check_valid_votes();

create table electoral.result_ward_agg (
    election_id       bigint not null constraint fk_result_ward_agg__election_id references electoral.election (election_id),
    ward_name         text not null constraint fk_result_ward_agg__ward_name references core.ward (ward_name),
    party             text not null constraint fk_result_ward_agg__party references core.party (party),
    votes             bigint not null,
    vote_share        numeric(7, 4),
    party_rank        integer not null,
    valid_votes       bigint not null,
    total_polled      bigint not null,
    rejected_votes    bigint not null,
    electors          bigint not null,
    turnout_pct       numeric(5, 2),
    polling_stations  integer not null,
    computed_at       timestamptz not null default now(),
    constraint pk_result_ward_agg primary key (election_id, ward_name, party),
    constraint ck_result_ward_agg__votes check (votes between 0 and valid_votes),
    constraint ck_result_ward_agg__share check (vote_share between 0 and 100),
    constraint ck_result_ward_agg__turnout check (turnout_pct between 0 and 100),
    constraint ck_result_ward_agg__rank check (party_rank >= 1),
    constraint ck_result_ward_agg__stations check (polling_stations >= 1)
);
create index ix_result_ward_agg__ward_name__election_id on electoral.result_ward_agg (ward_name, election_id);
create index ix_result_ward_agg__party on electoral.result_ward_agg (party);
comment on table electoral.result_ward_agg is
    'Results per ward, party and election, aggregated from the polling stations of the ward by '
    'electoral.aggregate_ward_results(); the ward totals repeat on each party row of the ward.';
comment on column electoral.result_ward_agg.vote_share is
    'Percent of the ward''s valid votes (sum of party votes, NOTA included), rounded to 4 places; '
    'the shares of a ward and election sum to 100 within rounding; NULL when the ward has no valid vote.';
comment on column electoral.result_ward_agg.party_rank is 'Rank of the party by votes in the ward (1 = winner; ties share a rank).';
comment on column electoral.result_ward_agg.valid_votes is 'Sum of party votes over the ward''s stations.';
comment on column electoral.result_ward_agg.turnout_pct is
    'total_polled / electors x 100 over the ward''s stations, rounded to 2 places; NULL with no electors.';
comment on column electoral.result_ward_agg.polling_stations is 'Stations of the ward with a result in the election.';

create function electoral.aggregate_ward_results(p_election_id bigint)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, electoral, core
as $$
declare
    v_rows bigint;
begin
    if not exists (select 1 from electoral.election e where e.election_id = p_election_id) then
        raise exception 'election % does not exist', p_election_id using errcode = 'no_data_found';
    end if;
    -- one aggregation per election at a time; a second caller waits and then recomputes
    perform pg_advisory_xact_lock(hashtext('lokdarpan:electoral.aggregate_ward_results'),
                                  hashtext(p_election_id::text));
    delete from electoral.result_ward_agg a where a.election_id = p_election_id;
    insert into electoral.result_ward_agg
        (election_id, ward_name, party, votes, vote_share, party_rank, valid_votes, total_polled,
         rejected_votes, electors, turnout_pct, polling_stations)
    with station as (
        select t.polling_station_id, s.ward_name, t.electors, t.total_polled, t.rejected_votes
          from electoral.result_ps_total t
          join electoral.polling_station s on s.polling_station_id = t.polling_station_id
         where t.election_id = p_election_id
           and s.ward_name is not null
    ), ward_total as (
        select st.ward_name, count(*)::integer as stations, sum(st.electors)::bigint as electors,
               sum(st.total_polled)::bigint as total_polled, sum(st.rejected_votes)::bigint as rejected
          from station st
         group by st.ward_name
    ), party_votes as (
        select st.ward_name, r.party, sum(r.votes)::bigint as votes
          from electoral.result_ps r
          join station st on st.polling_station_id = r.polling_station_id
         where r.election_id = p_election_id
         group by st.ward_name, r.party
    ), ward_valid as (
        select pv.ward_name, sum(pv.votes)::bigint as valid
          from party_votes pv
         group by pv.ward_name
    )
    select p_election_id, pv.ward_name, pv.party, pv.votes,
           round(100.0 * pv.votes / nullif(wv.valid, 0), 4),
           rank() over (partition by pv.ward_name order by pv.votes desc),
           wv.valid, wt.total_polled, wt.rejected, wt.electors,
           round(100.0 * wt.total_polled / nullif(wt.electors, 0), 2),
           wt.stations
      from party_votes pv
      join ward_valid wv on wv.ward_name = pv.ward_name
      join ward_total wt on wt.ward_name = pv.ward_name;
    get diagnostics v_rows = row_count;
    return v_rows;
end
$$;
comment on function electoral.aggregate_ward_results(bigint) is
    'Recomputes electoral.result_ward_agg for one election from result_ps / result_ps_total over '
    'the polling stations that have a ward: per ward and party the votes, vote share (percent of '
    'the ward''s valid votes, 4 places), rank, and the ward''s electors, polled, rejected and '
    'turnout (percent, 2 places). Replaces the election''s previous rows; returns the number of '
    '(ward, party) rows written. Raises P0002 for an unknown election. Cost: one pass over the '
    'election''s station results.';

commit;
