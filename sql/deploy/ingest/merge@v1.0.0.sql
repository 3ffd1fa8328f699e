-- Deploy lokdarpan:ingest/merge to pg
-- requires: ingest/staging
-- requires: core/post
-- requires: core/vocabulary
-- requires: analytics/rollup
-- requires: analytics/ward_author
-- The set-based merge of one staged batch: validate, normalise (ward, emotion and party
-- labels, case and spaces), dedupe by content fingerprint, upsert authors, insert posts (the
-- search vector, reference checks and rollups follow from core.post), all inside the caller's
-- one transaction per batch. It replaces the seeds' row-by-row loop with a sub-transaction per
-- row. Rejected lines are returned with a reason; the loader stores them with their raw text.

begin;

create function ingest.merge_post_batch(p_batch_id bigint, p_now timestamptz default now())
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
    -- overlaps a concurrent one waits for it and then skips what it committed
    with cand as (
        select distinct on (f.fp) f.*
          from (select r.*, coalesce(r.fingerprint,
                                     core.post_fingerprint(r.ward, r.author, r.created_at, r.text)) as fp
                  from pg_temp.merge_rows r where r.reason is null) f
         order by f.fp, f.line_no
    ), claimed as (
        insert into core.post_fingerprint (fingerprint, post_id, created_at)
        select c.fp, nextval('core.post_post_id_seq'), c.created_at from cand c order by c.fp
        on conflict (fingerprint) do nothing
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

create function ingest.merge_epaper_batch(p_batch_id bigint)
returns table (line_no bigint, reason_code text, detail text)
language plpgsql
volatile
set search_path = pg_catalog, ingest, core
as $$
declare
    v_valid     bigint;
    v_inserted  bigint;
begin
    create temp table pg_temp.merge_epapers on commit drop as
    select s.line_no, btrim(s.publication_name) as publication_name, s.publication_date, s.raw_text,
           w.ward_name as ward, s.city as city_raw, pa.party, s.party as party_raw,
           case
               when nullif(btrim(s.publication_name), '') is null then 'missing_field'
               when s.publication_date is null then 'bad_timestamp'
               when s.raw_text is null then 'missing_text'
               when btrim(s.raw_text) = '' then 'empty_text'
               when nullif(btrim(s.city), '') is not null and w.ward_name is null then 'unknown_ward'
               when nullif(btrim(s.party), '') is not null and pa.party is null then 'unknown_party'
           end as reason
      from ingest.staging_epaper s
      left join core.ward w
             on lower(w.ward_name) = lower(regexp_replace(btrim(s.city), '\s+', ' ', 'g'))
      left join core.party_alias pa on pa.alias = lower(btrim(s.party))
     where s.batch_id = p_batch_id;

    select count(*) into v_valid from pg_temp.merge_epapers r where r.reason is null;

    insert into core.epaper (publication_name, publication_date, raw_text, city, party)
    select distinct on (core.text_sha256(r.raw_text)) r.publication_name, r.publication_date, r.raw_text,
           r.ward, r.party
      from pg_temp.merge_epapers r
     where r.reason is null
     order by core.text_sha256(r.raw_text), r.line_no
    on conflict (raw_text_sha256) do nothing;
    get diagnostics v_inserted = row_count;

    delete from ingest.staging_epaper s where s.batch_id = p_batch_id;
    update ingest.batch b
       set inserted = v_inserted, duplicates = v_valid - v_inserted
     where b.batch_id = p_batch_id;

    return query
        select r.line_no, r.reason,
               case r.reason
                   when 'unknown_ward' then 'city ' || quote_literal(r.city_raw)
                   when 'unknown_party' then 'party ' || quote_literal(r.party_raw)
                   when 'missing_field' then 'publication_name is missing'
                   else null
               end
          from pg_temp.merge_epapers r
         where r.reason is not null
         order by r.line_no;
    drop table pg_temp.merge_epapers;
end
$$;
comment on function ingest.merge_epaper_batch(bigint) is
    'Merges the staged e-papers of batch p_batch_id into core.epaper, deduplicated by the sha256 '
    'of the raw text (a re-sent e-paper reuses the stored row); returns the rejected rows.';

commit;
