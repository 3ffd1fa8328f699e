-- Deploy lokdarpan:core/ward to pg
-- requires: core/schema
-- requires: extensions/pg_trgm
-- The registry of the 145 GHMC wards. The ward name is the key every other table holds
-- (post.city = 'Jubilee Hills'); ward numbers are not unique in the source data (37 appears
-- twice, six numbers are absent), so they are an attribute, not a key.

begin;

create table core.ward (
    ward_name   text constraint pk_ward primary key,
    ward_no     smallint,
    created_at  timestamptz not null default now(),
    constraint ck_ward__name_clean check (ward_name = btrim(ward_name) and ward_name <> ''
                                          and ward_name !~ '\s\s'),
    constraint ck_ward__no_positive check (ward_no > 0)
);
create unique index uq_ward__lower_name on core.ward (lower(ward_name));
create index ix_ward__name_trgm on core.ward using gist (ward_name extensions.gist_trgm_ops);

comment on table core.ward is
    'GHMC wards (OpenStreetMap export 2018-01-03, ODbL). ward_name is the key other tables hold.';
comment on column core.ward.ward_name is
    'Canonical ward name, unique ignoring case; post.city and every ward column hold this value.';
comment on column core.ward.ward_no is
    'Ward number as published; NOT unique (37 appears twice) and some numbers are absent.';

-- seed: begin (generated from data/ghmc_wards.tsv)
insert into core.ward (ward_no, ward_name) values
    (1, 'Kapra'),
    (2, 'Dr A S Rao Nagar'),
    (5, 'Mallapur'),
    (6, 'Nacharam'),
    (7, 'Chilka Nagar'),
    (8, 'Habsiguda'),
    (9, 'Ramanthapur'),
    (10, 'Uppal'),
    (12, 'Mansoorabad'),
    (14, 'BN Reddy Nagar'),
    (15, 'Vanasthalipuram'),
    (16, 'Hasthinapuram'),
    (17, 'Champapet'),
    (18, 'Lingojiguda'),
    (19, 'Saroornagar'),
    (20, 'RK Puram'),
    (21, 'Kothapet'),
    (22, 'Chaitanyapuri'),
    (23, 'Gaddiannaram'),
    (24, 'Saidabad'),
    (25, 'Moosarambagh'),
    (26, 'Old Malakpet'),
    (27, 'Akbarbagh'),
    (28, 'Azampura'),
    (29, 'Chawni'),
    (30, 'Dabeerpura'),
    (32, 'Patthergatti'),
    (33, 'Moghalpura'),
    (34, 'Talab Chanchalam'),
    (35, 'Gowlipura'),
    (36, 'Lalithabagh'),
    (37, 'Kurmaguda'),
    (37, 'Rein Bazar'),
    (38, 'IS Sadan'),
    (39, 'Santhosh Nagar'),
    (40, 'Riyasat Nagar'),
    (41, 'Kanchanbagh'),
    (42, 'Barkas'),
    (43, 'Chandrayangutta'),
    (44, 'Uppuguda'),
    (45, 'Jangammet'),
    (46, 'Falaknuma'),
    (47, 'Nawab Saheb Kunta'),
    (48, 'Shalibanda'),
    (49, 'Ghansi Bazar'),
    (50, 'Begum Bazar'),
    (51, 'Goshamahal'),
    (52, 'Puranapool'),
    (53, 'Doodh Bowli'),
    (54, 'Jahanuma'),
    (55, 'Ramnaspura'),
    (56, 'Kishanbagh'),
    (57, 'Suleman Nagar'),
    (58, 'Shastripuram'),
    (59, 'Mailardevpally'),
    (60, 'Rajendra Nagar'),
    (61, 'Attapur'),
    (62, 'Ziaguda'),
    (63, 'Mangalhat'),
    (64, 'Dattatreya Nagar'),
    (65, 'Karwan'),
    (66, 'Langar Houz'),
    (67, 'Golconda'),
    (68, 'Tolichowki'),
    (69, 'Nanal Nagar'),
    (70, 'Mehdipatnam'),
    (71, 'Gudimalkapur'),
    (72, 'Asif Nagar'),
    (73, 'Vijay Nagar Colony'),
    (74, 'Ahmed Nagar'),
    (75, 'Red Hills'),
    (76, 'Mallepally'),
    (77, 'Jambagh'),
    (78, 'Gunfoundry'),
    (79, 'Himayath Nagar'),
    (80, 'Kachiguda'),
    (81, 'Nallakunta'),
    (82, 'Golnaka'),
    (83, 'Amberpet'),
    (84, 'Bagh Amberpet'),
    (85, 'Adikmet'),
    (86, 'Musheerabad'),
    (87, 'Ramnagar'),
    (88, 'Bholakpur'),
    (89, 'Gandhinagar'),
    (90, 'Kavadiguda'),
    (91, 'Khairatabad'),
    (92, 'Venkateshwara Colony'),
    (93, 'Banjara Hills'),
    (94, 'Shaikpet'),
    (95, 'Jubilee Hills'),
    (96, 'Yousufguda'),
    (97, 'Somajiguda'),
    (98, 'Ameerpet'),
    (99, 'Vengal Rao Nagar'),
    (100, 'Sanath Nagar'),
    (101, 'Erragadda'),
    (102, 'Rahmath Nagar'),
    (103, 'Borabanda'),
    (104, 'Kondapur'),
    (105, 'Gachibowli'),
    (106, 'Serilingampally'),
    (107, 'Madhapur'),
    (108, 'Miyapur'),
    (109, 'Hafeezpet'),
    (110, 'Chandanagar'),
    (111, 'Bharati Nagar'),
    (112, 'Ramachandrapuram'),
    (114, 'KPHB Colony'),
    (115, 'Balaji Nagar'),
    (116, 'Allapur'),
    (117, 'Moosapet'),
    (118, 'Fateh Nagar'),
    (119, 'Old Bowenpally'),
    (120, 'Balanagar'),
    (121, 'Kukatpally'),
    (122, 'Vivekananda Nagar Colony'),
    (123, 'Hydernagar'),
    (124, 'Alwyn Colony'),
    (125, 'Gajularamaram'),
    (126, 'Jagathgirigutta'),
    (127, 'Rangareddy Nagar'),
    (128, 'Chintal'),
    (129, 'Suraram'),
    (130, 'Subash Nagar'),
    (131, 'Quthbullapur'),
    (132, 'Jeedimetla'),
    (133, 'Macha Bolarum'),
    (134, 'Alwal'),
    (135, 'Venkatapuram'),
    (136, 'Neredmet'),
    (137, 'Vinayak Nagar'),
    (138, 'Moula Ali'),
    (139, 'East Anand Bagh'),
    (140, 'Malkajgiri'),
    (141, 'Gautham Nagar'),
    (142, 'Addagutta'),
    (143, 'Tarnaka'),
    (144, 'Mettuguda'),
    (145, 'Seethaphalmandi'),
    (146, 'Boudha Nagar'),
    (147, 'Bansilapet'),
    (148, 'Ramgopalpet'),
    (149, 'Begumpet'),
    (150, 'Monda Market');
-- seed: end

create function core.ward_lookup(p_name text)
returns text
language sql
stable
parallel safe
set search_path = pg_catalog, core
as $$
    select w.ward_name
      from core.ward w
     where lower(w.ward_name) = lower(regexp_replace(btrim(p_name), '\s+', ' ', 'g'))
$$;
comment on function core.ward_lookup(text) is
    'Canonical ward name for p_name, ignoring case and surrounding/repeated spaces; NULL when '
    'no ward matches. One index lookup.';

create function core.ward_suggestions(p_name text, p_limit integer default 3)
returns text[]
language sql
stable
parallel safe
set search_path = pg_catalog, core, extensions
as $$
    select coalesce(array_agg(s.ward_name order by s.dist, s.ward_name), '{}')
      from (select w.ward_name, lower(w.ward_name) operator(extensions.<->) lower(btrim(p_name)) as dist
              from core.ward w
             order by dist, w.ward_name
             limit greatest(p_limit, 0)) s
$$;
comment on function core.ward_suggestions(text, integer) is
    'The p_limit ward names nearest to p_name by trigram distance (pg_trgm), nearest first.';

create function core.resolve_ward(p_name text)
returns text
language plpgsql
stable
parallel safe
set search_path = pg_catalog, core
as $$
declare
    v_ward text := core.ward_lookup(p_name);
begin
    if v_ward is null then
        raise exception 'unknown ward %', coalesce(quote_literal(p_name), 'NULL')
            using errcode = 'no_data_found',
                  hint = 'nearest wards: ' || array_to_string(core.ward_suggestions(p_name), ', ');
    end if;
    return v_ward;
end
$$;
comment on function core.resolve_ward(text) is
    'Canonical ward name for p_name (case and spaces ignored); raises no_data_found (P0002) '
    'with the nearest ward names in the HINT when no ward matches.';

commit;
