-- Deploy lokdarpan:adopt/ward_alias to pg
-- requires: adopt/schema
-- requires: core/ward
-- requires: audit/ward_access
-- Legacy ward spellings: the application stored whatever label the feed or the analyst gave
-- (Ward 95, 95 - Jubilee Hills, Himayatnagar, Dr. A.S. Rao Nagar). adopt.ward_for resolves a
-- label as ingest does (case and spaces ignored), then with dots read as spaces, then through
-- the DBA-extendable alias table, then by a ward number the registry holds once. City-wide
-- labels (Hyderabad) and unknown ones resolve to NULL: the backfill quarantines those rows.

begin;

create function adopt.ward_key(p_label text)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog
as $$
    select nullif(lower(btrim(regexp_replace(replace(p_label, '.', ' '), '\s+', ' ', 'g'))), '')
$$;
comment on function adopt.ward_key(text) is
    'Comparison key of a ward label: lower case, dots read as spaces, blanks collapsed and trimmed; NULL for a blank label.';

create table adopt.ward_alias (
    alias      text constraint pk_ward_alias primary key,
    ward_name  text not null constraint fk_ward_alias__ward_name references core.ward (ward_name),
    note       text,
    added_at   timestamptz not null default now(),
    constraint ck_ward_alias__alias check (adopt.ward_key(alias) is not null)
);
create unique index uq_ward_alias__ward_key on adopt.ward_alias (adopt.ward_key(alias));
create index ix_ward_alias__ward_name on adopt.ward_alias (ward_name);
comment on table adopt.ward_alias is
    'Legacy ward labels and the ward they mean; the DBA adds rows (then runs adopt requeue). '
    'Matched by adopt.ward_key, so case, dots and blanks do not matter.';

insert into audit.ward_rls_exemption (table_schema, table_name, reason) values
    ('adopt', 'ward_alias', 'a registry of legacy ward spellings, like core.ward: not ward data');

insert into adopt.ward_alias (alias, ward_name, note) values
    ('Ward 95', 'Jubilee Hills', 'ward number label'),
    ('Ward 95 Jubilee Hills', 'Jubilee Hills', 'GeoJSON label'),
    ('95 - Jubilee Hills', 'Jubilee Hills', 'GeoJSON label'),
    ('Himayatnagar', 'Himayath Nagar', 'spelling variant');

create function adopt.ward_for(p_label text)
returns text
language sql
stable
parallel safe
set search_path = pg_catalog, adopt, core
as $$
    select coalesce(
        core.ward_lookup(p_label),
        (select w.ward_name from core.ward w where lower(w.ward_name) = adopt.ward_key(p_label)),
        (select a.ward_name from adopt.ward_alias a where adopt.ward_key(a.alias) = adopt.ward_key(p_label)),
        (select min(w.ward_name) from core.ward w
          where w.ward_no = (substring(adopt.ward_key(p_label) from '^(?:ward )?(\d{1,3})(?:$| |-)'))::smallint
         having count(*) = 1))
$$;
comment on function adopt.ward_for(text) is
    'Ward (core.ward.ward_name) a legacy label means, or NULL: core.ward_lookup, then the label '
    'with dots as spaces, then adopt.ward_alias, then a leading ward number (Ward 95, 95 - ...) '
    'held by exactly one ward. A few index lookups.';

commit;
