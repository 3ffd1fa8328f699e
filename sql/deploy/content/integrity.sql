-- Deploy lokdarpan:content/integrity to pg
-- requires: content/raw_articles
-- requires: content/keyword_article_matches
-- requires: content/article_analysis_cache
-- requires: content/import
-- requires: ops/integrity_check
-- The content module's checks behind ops.validate_data_integrity(): interrupted imports and
-- source rows still waiting in the reject table are things a DBA must see.

begin;

create function content.check_import_runs()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, content
as $$
    select case when count(*) filter (where r.status = 'failed') > 0 then 'FAIL'
                when count(*) filter (where r.status = 'running') > 0 then 'WARN'
                else 'PASS' end,
           count(*) filter (where r.status <> 'completed'),
           case when count(*) filter (where r.status <> 'completed') = 0
                then 'every SQLite import run completed'
                else format('%s failed and %s unfinished (running or interrupted) SQLite import runs',
                            count(*) filter (where r.status = 'failed'),
                            count(*) filter (where r.status = 'running')) end
      from content.import_run r
$$;
comment on function content.check_import_runs() is
    'Integrity check: FAIL when an import run failed, WARN when one is still running or was '
    'interrupted, else PASS; record_count = runs not completed. Cost: a scan of content.import_run.';

create function content.check_import_rejects()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, content
as $$
    select case when count(*) = 0 then 'PASS' else 'WARN' end,
           count(*),
           case when count(*) = 0 then 'no rejected import rows'
                else format('%s source rows rejected by SQLite imports (see content.import_reject: %s)',
                            count(*), string_agg(distinct j.reason_kind, ', ')) end
      from content.import_reject j0
      cross join lateral (select split_part(j0.reason, ':', 1) as reason_kind) j
$$;
comment on function content.check_import_rejects() is
    'Integrity check: WARN with the count and the kinds of reasons when content.import_reject holds '
    'rows, else PASS. Cost: a scan of content.import_reject.';

insert into ops.integrity_check (check_name, check_function, description)
values ('content_import_runs', 'content.check_import_runs',
        'SQLite import runs that failed or never finished'),
       ('content_import_rejects', 'content.check_import_rejects',
        'Source rows of SQLite imports kept in content.import_reject');

commit;
