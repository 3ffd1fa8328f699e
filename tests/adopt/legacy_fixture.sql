-- A legacy LokDarpan application database (schema public), written from
-- /work/shared/design/LEGACY_SCHEMA.md: the application's model tables with their serial ids and
-- default constraint names, the messy values the real data holds, a lagging epaper sequence,
-- dependent materialized views and a view, a search-vector trigger and a foreign key into "user".
-- Loaded by tests/adopt/conftest.py into a database where the plan is deployed.

create table public."user" (
    id serial primary key,
    username varchar(80) not null,
    email varchar(120) not null,
    password_hash varchar(256) not null,
    created_at timestamp without time zone not null,
    last_login timestamp without time zone,
    is_active boolean not null,
    failed_login_attempts integer not null,
    last_failed_login timestamp without time zone
);
create unique index ix_user_username on public."user" (username);
create unique index ix_user_email on public."user" (email);

create table public.author (
    id serial primary key,
    name varchar(120) not null,
    party varchar(64),
    constraint author_name_key unique (name)
);

create table public.epaper (
    id serial primary key,
    publication_name varchar(100) not null,
    publication_date date not null,
    raw_text text not null,
    created_at timestamp without time zone,
    sha256 varchar(64) not null
);
create unique index ix_epaper_sha256 on public.epaper (sha256);
create index ix_epaper_publication_date on public.epaper (publication_date);
create index ix_epaper_created_at on public.epaper (created_at);

create table public.post (
    id serial primary key,
    text text not null,
    author_id integer references public.author (id),
    city varchar(120),
    emotion varchar(64),
    party varchar(64),
    created_at timestamp without time zone not null,
    epaper_id integer,
    search_vector tsvector,
    constraint fk_post_epaper foreign key (epaper_id) references public.epaper (id)
);
create index ix_post_created_at on public.post (created_at);
create index ix_post_epaper_id on public.post (epaper_id);

create function public.post_search_vector_update() returns trigger language plpgsql as $$
begin
    new.search_vector := to_tsvector('simple', coalesce(new.text, ''));
    return new;
end
$$;
create trigger post_search_vector_trigger before insert or update on public.post
    for each row execute function public.post_search_vector_update();

create table public.alert (
    id serial primary key,
    ward varchar(120),
    description varchar(512),
    severity varchar(32),
    opportunities text,
    threats text,
    actionable_alerts text,
    source_articles text,
    created_at timestamp without time zone not null,
    updated_at timestamp without time zone not null,
    status varchar(16) not null default 'active',
    assigned_user_id integer references public."user" (id)
);
create index ix_alert_ward on public.alert (ward);
create index ix_alert_created_at on public.alert (created_at);

create table public.geopolitical_report (
    id serial primary key,
    user_id integer not null references public."user" (id),
    report_uuid varchar(36) not null unique
);

create table public.alembic_version (version_num varchar(32) not null primary key);
insert into public.alembic_version values ('a1b2c3d4e5f6');

insert into public."user" (username, email, password_hash, created_at, last_login, is_active,
                           failed_login_attempts, last_failed_login) values
    ('admin', 'admin@lokdarpan.in', 'scrypt:32768:8:1$abcdefgh$0123456789abcdef', '2024-01-05 10:00', '2024-06-01 08:30', true, 0, null),
    ('analyst', 'analyst@lokdarpan.in', 'scrypt:32768:8:1$ijklmnop$fedcba9876543210', '2024-02-01 09:00', null, true, 2, '2024-06-02 11:00'),
    ('Admin', 'admin2@lokdarpan.in', 'scrypt:32768:8:1$qrstuvwx$00112233445566778899', '2024-03-01 09:00', null, false, 0, null),
    ('nomail', 'not-an-email', 'scrypt:32768:8:1$yzabcdef$aabbccddeeff00112233', '2024-03-02 09:00', null, true, 0, null);

insert into public.author (name, party) values
    ('Ravi Kumar', 'BJP'), ('Sana Begum', 'AIMIM'), ('Deccan Chronicle', null), (' Padded Name ', 'INC');

-- explicit ids from 1000 were inserted: epaper_id_seq lags behind max(id)
insert into public.epaper (id, publication_name, publication_date, raw_text, created_at, sha256) values
    (1000, 'Eenadu', '2024-05-01', 'ఈనాడు వార్తలు జూబ్లీ హిల్స్', '2024-05-01 06:00', 'aaa1'),
    (1001, 'Dainik Bhaskar', '2024-05-02', 'हैदराबाद समाचार', null, 'bbb2'),
    (1002, 'Eenadu', '2024-05-03', 'ఈనాడు వార్తలు జూబ్లీ హిల్స్', '2024-05-03 06:00', 'aaa1-random-suffix');
insert into public.epaper (publication_name, publication_date, raw_text, created_at, sha256) values
    ('Deccan Chronicle', '2024-05-04', 'Jubilee Hills roads', '2024-05-04 07:00', 'ccc3');

insert into public.post (text, author_id, city, emotion, party, created_at, epaper_id) values
    (E'Road repair\n\nJubilee Hills roads fixed', 1, 'Jubilee Hills', 'Positive', 'BJP', '2024-05-01 00:00', 1000),
    ('Water shortage in ward 95', 2, 'Ward 95', 'Frustration', 'TRS', '2024-05-02 05:30', 1001),
    ('GeoJSON labelled', 3, 'Ward 95 Jubilee Hills', 'Hopeful', 'Congress', '2024-05-02 06:00', null),
    ('Himayatnagar market', 3, 'Himayatnagar', 'anger', 'Indian National Congress', '2024-05-03 10:00', 1002),
    ('Dotted name', 1, 'Dr. A.S. Rao Nagar', 'Unknown', 'TDP', '2024-05-03 11:00', null),
    ('Lower and spaces', 2, '  jubilee   hills ', 'neutral', 'PRAJA_RAJYAM', '2024-05-04 12:00', null),
    ('City-wide feed', 3, 'Hyderabad', null, null, '2024-05-04 13:00', null),
    ('No ward at all', 1, null, 'Error', 'TEST', '2024-05-05 14:00', null),
    ('Test row', 1, 'Test Ward', 'Pride', 'Other', '2024-05-05 15:00', null),
    ('Same post twice', 1, 'Jubilee Hills', 'Positive', 'BJP', '2024-05-06 09:00', null),
    ('Same post twice', 1, 'Jubilee Hills', 'Positive', 'BJP', '2024-05-06 09:00', null),
    ('Padded author post', 4, 'Himayath Nagar', 'Sadness', 'Telangana Congress', '2024-05-07 09:00', 1),
    ('   ', 1, 'Jubilee Hills', null, null, '2024-05-07 10:00', null);

insert into public.alert (ward, description, severity, opportunities, threats, actionable_alerts,
                          source_articles, created_at, updated_at, status, assigned_user_id) values
    ('Jubilee Hills', 'Road protest', 'High', '["outreach"]', E'traffic\nanger', null, '[1, 2]',
     '2024-05-01 08:00', '2024-05-01 09:00', 'active', 1),
    ('ward 95', 'Water', 'low', null, null, null, null, '2024-05-02 08:00', '2024-05-02 08:00', 'closed', null),
    ('Hyderabad', 'City-wide', 'Info', null, null, null, null, '2024-05-03 08:00', '2024-05-03 08:00', 'active', null),
    ('Himayath Nagar', null, 'Critical', 'not json [', null, null, null, '2024-05-04 08:00', '2024-05-04 08:00', 'active', 2);

insert into public.geopolitical_report (user_id, report_uuid) values (1, '00000000-0000-0000-0000-000000000001');

create materialized view public.ward_statistics as
    select p.city, count(p.id) as posts, count(distinct p.author_id) as authors
      from public.post p group by p.city;
create materialized view public.daily_ward_trends as
    select p.city, date(p.created_at) as day, count(*) as posts from public.post p group by 1, 2;
create view public.ward_performance_metrics as
    select a.ward, count(*) as alerts from public.alert a group by a.ward;
