-- Deploy lokdarpan:electoral/ward_profile to pg
-- requires: electoral/result
-- requires: core/ward
-- requires: core/vocabulary
-- requires: core/touch_updated_at
-- One row per ward describing it for campaign analysis: the electoral profile (electors,
-- votes cast, turnout, last winner), ward-level demographic aggregates (the seed's indices
-- plus the extended indicators) and electoral features (party shares per election,
-- volatility, incumbency weakness). All are ward aggregates: nothing here describes a person.

begin;

create table electoral.ward_profile (
    ward_name          text constraint pk_ward_profile primary key constraint fk_ward_profile__ward_name references core.ward (ward_name),
    electors           integer,
    votes_cast         integer,
    turnout_pct        numeric(5, 2),
    last_winner_party  text constraint fk_ward_profile__last_winner_party references core.party (party),
    last_winner_year   smallint,
    last_election_id   bigint constraint fk_ward_profile__last_election_id references electoral.election (election_id),
    updated_at         timestamptz not null default now(),
    constraint ck_ward_profile__electors check (electors >= 0),
    constraint ck_ward_profile__votes_cast check (votes_cast between 0 and electors),
    constraint ck_ward_profile__turnout check (turnout_pct between 0 and 100),
    constraint ck_ward_profile__year check (last_winner_year between 1950 and 2100)
);
create index ix_ward_profile__last_winner_party on electoral.ward_profile (last_winner_party);
create index ix_ward_profile__last_election_id on electoral.ward_profile (last_election_id);
create trigger tg_ward_profile__touch_updated_at
    before update on electoral.ward_profile
    for each row execute function core.tg__touch_updated_at();
comment on table electoral.ward_profile is
    'Electoral profile of a ward (one row per ward), refreshed from an election''s ward '
    'aggregate by electoral.refresh_ward_profile().';
comment on column electoral.ward_profile.votes_cast is 'Votes polled in the ward at the last election (valid + rejected).';
comment on column electoral.ward_profile.turnout_pct is 'votes_cast / electors x 100 (percent, 2 places).';
comment on column electoral.ward_profile.last_winner_party is 'Party ranked first in the ward at last_election_id.';
comment on column electoral.ward_profile.last_election_id is 'Election the profile was refreshed from.';

create table electoral.ward_demographics (
    ward_name                      text constraint pk_ward_demographics primary key constraint fk_ward_demographics__ward_name references core.ward (ward_name),
    reference_year                 smallint,
    source                         text,
    literacy_idx                   numeric(5, 2),
    muslim_idx                     numeric(5, 2),
    scst_idx                       numeric(5, 2),
    secondary_tech_idx             numeric(5, 2),
    population                     integer,
    households                     integer,
    age_18_25_pct                  numeric(5, 2),
    age_26_40_pct                  numeric(5, 2),
    age_41_60_pct                  numeric(5, 2),
    age_60_plus_pct                numeric(5, 2),
    graduate_pct                   numeric(5, 2),
    below_poverty_line_pct         numeric(5, 2),
    median_household_income_inr    integer,
    employment_rate_pct            numeric(5, 2),
    informal_employment_pct        numeric(5, 2),
    owner_occupied_housing_pct     numeric(5, 2),
    slum_households_pct            numeric(5, 2),
    piped_water_access_pct         numeric(5, 2),
    sanitation_access_pct          numeric(5, 2),
    internet_penetration_pct       numeric(5, 2),
    smartphone_penetration_pct     numeric(5, 2),
    public_transport_access_pct    numeric(5, 2),
    two_wheeler_ownership_pct      numeric(5, 2),
    updated_at                     timestamptz not null default now(),
    constraint ck_ward_demographics__year check (reference_year between 1950 and 2100),
    constraint ck_ward_demographics__counts check (population >= 0 and households >= 0
                                                   and median_household_income_inr >= 0),
    constraint ck_ward_demographics__percentages check (
        literacy_idx between 0 and 100 and muslim_idx between 0 and 100
        and scst_idx between 0 and 100 and secondary_tech_idx between 0 and 100
        and age_18_25_pct between 0 and 100 and age_26_40_pct between 0 and 100
        and age_41_60_pct between 0 and 100 and age_60_plus_pct between 0 and 100
        and graduate_pct between 0 and 100 and below_poverty_line_pct between 0 and 100
        and employment_rate_pct between 0 and 100 and informal_employment_pct between 0 and 100
        and owner_occupied_housing_pct between 0 and 100 and slum_households_pct between 0 and 100
        and piped_water_access_pct between 0 and 100 and sanitation_access_pct between 0 and 100
        and internet_penetration_pct between 0 and 100 and smartphone_penetration_pct between 0 and 100
        and public_transport_access_pct between 0 and 100 and two_wheeler_ownership_pct between 0 and 100),
    constraint ck_ward_demographics__age_bands check (
        coalesce(age_18_25_pct, 0) + coalesce(age_26_40_pct, 0) + coalesce(age_41_60_pct, 0)
        + coalesce(age_60_plus_pct, 0) <= 100)
);
create trigger tg_ward_demographics__touch_updated_at
    before update on electoral.ward_demographics
    for each row execute function core.tg__touch_updated_at();
comment on table electoral.ward_demographics is
    'Ward-level demographic aggregates (one row per ward): the seed''s four indices and the '
    'extended indicators. Every *_pct and *_idx column is a percentage of the ward''s '
    'population (or households, or electors as the source defines) in 0-100; no individual data.';
comment on column electoral.ward_demographics.reference_year is 'Year the figures describe (census or survey year).';
comment on column electoral.ward_demographics.source is 'Where the figures come from (census, survey, estimate).';
comment on column electoral.ward_demographics.literacy_idx is 'Literate share of the population aged 7+ (percent).';
comment on column electoral.ward_demographics.muslim_idx is 'Muslim share of the population (percent, census aggregate).';
comment on column electoral.ward_demographics.scst_idx is 'Scheduled Caste + Scheduled Tribe share of the population (percent).';
comment on column electoral.ward_demographics.secondary_tech_idx is
    'Share of workers in secondary (manufacturing) and technology sectors (percent).';
comment on column electoral.ward_demographics.age_18_25_pct is 'Share of electors aged 18-25 (percent); the four age bands sum to at most 100.';
comment on column electoral.ward_demographics.age_26_40_pct is 'Share of electors aged 26-40 (percent).';
comment on column electoral.ward_demographics.age_41_60_pct is 'Share of electors aged 41-60 (percent).';
comment on column electoral.ward_demographics.age_60_plus_pct is 'Share of electors aged over 60 (percent).';
comment on column electoral.ward_demographics.graduate_pct is 'Share of adults with a graduate degree (percent).';
comment on column electoral.ward_demographics.below_poverty_line_pct is 'Share of households below the poverty line (percent).';
comment on column electoral.ward_demographics.median_household_income_inr is 'Median monthly household income in rupees.';
comment on column electoral.ward_demographics.employment_rate_pct is 'Employed share of the working-age population (percent).';
comment on column electoral.ward_demographics.informal_employment_pct is 'Share of workers in informal employment (percent).';
comment on column electoral.ward_demographics.owner_occupied_housing_pct is 'Share of households living in owned housing (percent).';
comment on column electoral.ward_demographics.slum_households_pct is 'Share of households in notified slums (percent).';
comment on column electoral.ward_demographics.piped_water_access_pct is 'Share of households with piped water (percent).';
comment on column electoral.ward_demographics.sanitation_access_pct is 'Share of households with a sewer-connected toilet (percent).';
comment on column electoral.ward_demographics.internet_penetration_pct is 'Share of households with an internet connection (percent).';
comment on column electoral.ward_demographics.smartphone_penetration_pct is 'Share of adults with a smartphone (percent).';
comment on column electoral.ward_demographics.public_transport_access_pct is
    'Share of households within 500 m of a bus stop or metro station (percent).';
comment on column electoral.ward_demographics.two_wheeler_ownership_pct is 'Share of households owning a two-wheeler (percent).';

create table electoral.ward_features (
    ward_name            text constraint pk_ward_features primary key constraint fk_ward_features__ward_name references core.ward (ward_name),
    party_shares         jsonb not null default '{}',
    volatility           numeric(6, 2),
    incumbency_weakness  numeric(5, 2),
    computed_at          timestamptz not null default now(),
    constraint ck_ward_features__party_shares check (jsonb_typeof(party_shares) = 'object'),
    constraint ck_ward_features__volatility check (volatility between 0 and 100),
    constraint ck_ward_features__incumbency check (incumbency_weakness between 0 and 100)
);
comment on table electoral.ward_features is
    'Electoral features of a ward for models and dashboards (one row per ward).';
comment on column electoral.ward_features.party_shares is
    'jsonb object: election label (e.g. "ASSEMBLY-2023") -> object party -> vote share percent, '
    'e.g. {"ASSEMBLY-2023": {"BRS": 41.2, "INC": 30.1}}.';
comment on column electoral.ward_features.volatility is
    'Pedersen volatility between the two latest elections: half the sum of absolute share changes (0-100).';
comment on column electoral.ward_features.incumbency_weakness is
    '0-100: how far the incumbent party''s share fell (100 = lost all of it); 0 when it held or grew.';

create function electoral.refresh_ward_profile(p_election_id bigint)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, electoral, core
as $$
declare
    v_rows bigint;
begin
    insert into electoral.ward_profile as wp
        (ward_name, electors, votes_cast, turnout_pct, last_winner_party, last_winner_year, last_election_id)
    select distinct on (a.ward_name)
           a.ward_name, a.electors::integer, a.total_polled::integer, a.turnout_pct, a.party,
           e.election_year, a.election_id
      from electoral.result_ward_agg a
      join electoral.election e on e.election_id = a.election_id
     where a.election_id = p_election_id
     order by a.ward_name, a.party_rank, a.votes desc, a.party
    on conflict (ward_name) do update
       set electors = excluded.electors,
           votes_cast = excluded.votes_cast,
           turnout_pct = excluded.turnout_pct,
           last_winner_party = excluded.last_winner_party,
           last_winner_year = excluded.last_winner_year,
           last_election_id = excluded.last_election_id;
    get diagnostics v_rows = row_count;
    return v_rows;
end
$$;
comment on function electoral.refresh_ward_profile(bigint) is
    'Upserts electoral.ward_profile for every ward present in the election''s ward aggregate '
    '(run electoral.aggregate_ward_results first): electors, votes cast, turnout and the winning '
    'party (rank 1; a tie goes to the alphabetically first party). Returns the number of wards '
    'written. Cost: one pass over result_ward_agg of the election.';

commit;
