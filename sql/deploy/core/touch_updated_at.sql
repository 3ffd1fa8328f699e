-- Deploy lokdarpan:core/touch_updated_at to pg
-- requires: core/schema
-- One trigger function that keeps an updated_at column current, shared by every table that
-- has one (alerts, crises, knowledge base, ...).

begin;

create function core.tg__touch_updated_at()
returns trigger
language plpgsql
set search_path = pg_catalog
as $$
begin
    new.updated_at := now();
    return new;
end
$$;
comment on function core.tg__touch_updated_at() is
    'BEFORE UPDATE row trigger: sets NEW.updated_at to the transaction time.';

commit;
