-- Deploy lokdarpan:ingest/register_authors to pg
-- requires: ingest/merge
-- requires: core/author
-- Two ingest batches that both name a new author used to wait for each other: the second
-- batch's insert of the name blocked on the first batch's unique-key entry until that whole
-- batch committed, so parallel workers ran one after the other (145,000 posts: 16 s with two
-- workers, the same as with one). The loader now registers a batch's author names in a short
-- transaction of its own before the batch; the merge still inserts any name it finds missing.
-- An author name is reference data: a batch that fails after registering leaves only names,
-- which its re-run reuses; its posts stay all-or-nothing.

begin;

create function ingest.register_authors(p_names text[])
returns integer
language sql
volatile
set search_path = pg_catalog, core
as $$
    with fresh as (
        insert into core.author (name)
        select distinct s.name
          from (select nullif(btrim(n), '') as name from unnest(p_names) n) s
         where s.name is not null and char_length(s.name) <= 200
           and not exists (select 1 from core.author a where a.name = s.name)  -- skip known names cheaply
         order by 1  -- name order: concurrent registrations never deadlock
        on conflict (name) do nothing
        returning 1
    )
    select count(*)::integer from fresh
$$;
comment on function ingest.register_authors(text[]) is
    'Inserts the author names of p_names that core.author lacks (trimmed as the merge trims them; '
    'empty and over-long names skipped, the merge rejects their lines) and returns how many were '
    'new. The loader calls it in its own short transaction before each batch, so concurrent '
    'batches never wait for each other on a new name. Cost: one index probe per distinct name.';

commit;
