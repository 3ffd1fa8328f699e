-- Deploy lokdarpan:electoral/polling_station to pg
-- requires: electoral/schema
-- requires: core/ward
-- requires: core/touch_updated_at
-- The electoral backbone: elections (GHMC, Assembly, Lok Sabha) and the polling stations of
-- Form-20 results, each station placed in its assembly / parliamentary constituency and ward.

begin;

create table electoral.election (
    election_id         bigint generated always as identity constraint pk_election primary key,
    election_type       text not null,
    election_year       smallint not null,
    election_round      smallint not null default 1,
    official_reference  text,
    polling_date        date,
    created_at          timestamptz not null default now(),
    constraint ck_election__type check (election_type in ('GHMC', 'ASSEMBLY', 'LOKSABHA')),
    constraint ck_election__year check (election_year between 1950 and 2100),
    constraint ck_election__round check (election_round >= 1),
    constraint ck_election__polling_date check (extract(year from polling_date) = election_year),
    constraint uq_election__type__year__round unique (election_type, election_year, election_round)
);
comment on table electoral.election is
    'Elections whose results are held: type GHMC (municipal), ASSEMBLY (Telangana legislative '
    'assembly) or LOKSABHA (parliament), year and round.';
comment on column electoral.election.election_round is
    'Round within the year: 1 for the general election, 2+ for re-polls or by-elections.';
comment on column electoral.election.official_reference is
    'Official reference of the result (e.g. ECI / TSEC notification or Form-20 publication id).';

create table electoral.polling_station (
    polling_station_id          bigint generated always as identity constraint pk_polling_station primary key,
    form20_id                   text not null,
    station_name                text not null,
    address                     text,
    latitude                    numeric(9, 6),
    longitude                   numeric(9, 6),
    assembly_constituency       text not null,
    parliamentary_constituency  text,
    ward_name                   text constraint fk_polling_station__ward_name references core.ward (ward_name),
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now(),
    constraint uq_polling_station__form20_id unique (form20_id),
    constraint ck_polling_station__form20_id check (form20_id = btrim(form20_id) and form20_id <> ''),
    constraint ck_polling_station__name check (btrim(station_name) <> ''),
    constraint ck_polling_station__latitude check (latitude between -90 and 90),
    constraint ck_polling_station__longitude check (longitude between -180 and 180),
    constraint ck_polling_station__lat_lon check ((latitude is null) = (longitude is null))
);
create index ix_polling_station__ward_name on electoral.polling_station (ward_name);
create index ix_polling_station__assembly_constituency on electoral.polling_station (assembly_constituency);
create index ix_polling_station__parliamentary_constituency
    on electoral.polling_station (parliamentary_constituency);

create trigger tg_polling_station__touch_updated_at
    before update on electoral.polling_station
    for each row execute function core.tg__touch_updated_at();

comment on table electoral.polling_station is
    'Polling stations as published in Form-20 results, with location, constituencies and ward.';
comment on column electoral.polling_station.form20_id is
    'Official Form-20 station id (e.g. "AC061-PS123"); unique across the table.';
comment on column electoral.polling_station.latitude is 'WGS84 latitude in degrees; NULL together with longitude.';
comment on column electoral.polling_station.longitude is 'WGS84 longitude in degrees; NULL together with latitude.';
comment on column electoral.polling_station.ward_name is
    'GHMC ward the station serves (core.ward); NULL for stations outside GHMC. Stations without '
    'a ward are left out of ward aggregates.';
comment on column electoral.polling_station.updated_at is
    'Set by trigger tg_polling_station__touch_updated_at on every update.';

commit;
