-- Deploy lokdarpan:ingest/merge to pg
-- requires: ingest/merge@v1.0.0
-- Reworked after @v1.0.0 (the first version is merge@v1.0.0.sql); it replaces one function of
-- that change. ingest.merge_post_batch claimed a post's fingerprint row with
-- ON CONFLICT (fingerprint), which names the key of core.post_fingerprint: that key can then
-- never change. It now says ON CONFLICT DO NOTHING with no target, so the arbiter is whatever
-- unique key the table has (the same rows are skipped: the table's only unique key is the
-- dedupe key), which lets the core/post rework re-key the table by (created_at,
-- fingerprint). Same signature, result and behaviour. CREATE OR REPLACE on a function other
-- sessions may be running: a merge already executing finishes with the old body.

begin;

create or replace function ingest.merge_post_batch(p_batch_id bigint, p_now timestamptz default now())
returns table (line_no bigint, reason_code text, detail text)
language plpgsql
volatile
set search_path = pg_catalog, ingest, core
as $$
declare
    v_valid     bigint;
    v_inserted  bigint;
begin
    create temp table pg_temp.merge_rows on commit drop as
    select s.line_no,
           s.text,
           nullif(btrim(s.author_name), '') as author,
           w.ward_name as ward,
           s.city as city_raw,
           coalesce(el.emotion, 'unknown') as emotion,
           s.emotion as emotion_raw,
           pa.party,
           s.party as party_raw,
           s.created_at,
           s.epaper_id,
           s.fingerprint,
           case
               when s.text is null then 'missing_text'
               when btrim(s.text) = '' then 'empty_text'
               when char_length(s.text) > 10000 then 'too_long'
               when char_length(s.author_name) > 200 then 'too_long'
               when s.created_at is null then 'bad_timestamp'
               when s.created_at < timestamptz '2000-01-01 00:00:00+00'
                 or s.created_at > p_now + interval '1 day' then 'out_of_window'
               when s.city is null then 'unknown_ward'
               when w.ward_name is null then 'unknown_ward'
               when nullif(btrim(s.party), '') is not null and pa.party is null then 'unknown_party'
               when s.epaper_id is not null and ep.epaper_id is null then 'unknown_epaper'
           end as reason
      from ingest.staging_post s
      left join core.ward w
             on lower(w.ward_name) = lower(regexp_replace(btrim(s.city), '\s+', ' ', 'g'))
      left join core.emotion_label el on el.label = lower(btrim(s.emotion))
      left join core.party_alias pa on pa.alias = lower(btrim(s.party))
      left join core.epaper ep on ep.epaper_id = s.epaper_id
     where s.batch_id = p_batch_id;

    select count(*) into v_valid from pg_temp.merge_rows r where r.reason is null;

    -- authors first, in name order (concurrent batches then never deadlock on them)
    insert into core.author (name)
    select distinct r.author from pg_temp.merge_rows r
     where r.reason is null and r.author is not null
       and not exists (select 1 from core.author a where a.name = r.author)  -- skip known authors cheaply
     order by 1
    on conflict (name) do nothing;

    -- global dedupe: a fingerprint row is claimed before the post is written; a batch that
    -- overlaps a concurrent one waits for it and then skips what it committed. No conflict
    -- target: the arbiter is the table's key, whichever it is (the core/post rework makes it
    -- (created_at, fingerprint), equivalent because the fingerprint hashes created_at)
    with cand as (
        select distinct on (f.fp) f.*
          from (select r.*, coalesce(r.fingerprint,
                                     core.post_fingerprint(r.ward, r.author, r.created_at, r.text)) as fp
                  from pg_temp.merge_rows r where r.reason is null) f
         order by f.fp, f.line_no
    ), claimed as (
        insert into core.post_fingerprint (fingerprint, post_id, created_at)
        select c.fp, nextval('core.post_post_id_seq'), c.created_at from cand c order by c.fp
        on conflict do nothing
        returning fingerprint, post_id
    )
    insert into core.post (post_id, created_at, city, author_id, epaper_id, text, emotion, emotion_raw,
                           party, party_raw, fingerprint, batch_id)
    select k.post_id, c.created_at, c.ward, a.author_id, c.epaper_id, c.text, c.emotion, c.emotion_raw,
           c.party, nullif(c.party_raw, ''), c.fp, p_batch_id
      from claimed k
      join cand c on c.fp = k.fingerprint
      left join core.author a on a.name = c.author;
    get diagnostics v_inserted = row_count;

    delete from ingest.staging_post s where s.batch_id = p_batch_id;
    update ingest.batch b
       set inserted = v_inserted, duplicates = v_valid - v_inserted
     where b.batch_id = p_batch_id;

    return query
        select r.line_no, r.reason,
               case r.reason
                   when 'unknown_ward' then 'city ' || coalesce(quote_literal(r.city_raw), 'missing')
                   when 'unknown_party' then 'party ' || quote_literal(r.party_raw)
                   when 'out_of_window' then 'created_at ' || r.created_at::text
                       || ' is outside [2000-01-01, now + 1 day]'
                   when 'unknown_epaper' then 'epaper_id ' || r.epaper_id::text
                   when 'too_long' then 'text ' || char_length(r.text)::text || ' characters (max 10000)'
                       || ', author_name max 200'
                   else null
               end
          from pg_temp.merge_rows r
         where r.reason is not null
         order by r.line_no;
    drop table pg_temp.merge_rows;
end
$$;
comment on function ingest.merge_post_batch(bigint, timestamptz) is
    'Merges the staged rows of batch p_batch_id into core.post (validate, normalise, dedupe, '
    'upsert authors, insert) and empties its staging rows; sets the batch''s inserted and '
    'duplicates counts; returns one (line_no, reason_code, detail) per rejected row. p_now bounds '
    'the accepted time window [2000-01-01, p_now + 1 day]. Set-based: cost grows linearly with the batch.';

commit;
