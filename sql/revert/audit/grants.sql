-- Revert lokdarpan:audit/grants from pg

begin;

do $$
begin
    execute format('alter role lokdarpan_app in database %I reset search_path', pg_catalog.current_database());
end
$$;

alter default privileges in schema core, ingest, analytics, electoral, pulse, knowledge, demography,
                                   crisis, ai, content, ops, audit
    revoke usage on sequences from lokdarpan_app, lokdarpan_ingest;
alter default privileges in schema core, ops, audit revoke select on tables from lokdarpan_admin;

revoke insert, update, delete on audit.ward_assignment from lokdarpan_admin;
revoke select on audit.ward_assignment, audit.ward_rls_exemption, audit.ward_scoped_table
    from lokdarpan_readonly, lokdarpan_app;

revoke update on ops.performance_threshold from lokdarpan_admin;
revoke select on ops.integrity_check, ops.performance_threshold from lokdarpan_readonly, lokdarpan_app, lokdarpan_ingest;

revoke select on all tables in schema core, ops, audit from lokdarpan_admin;
revoke insert, update on core.author, core.epaper from lokdarpan_admin;
revoke usage on sequence core.post_post_id_seq from lokdarpan_ingest;
revoke select, insert, update on core.post, core.post_fingerprint, core.author, core.epaper from lokdarpan_ingest;
revoke select, insert, update on core.app_user from lokdarpan_app, lokdarpan_admin;
revoke insert, update on core.alert from lokdarpan_app;
revoke delete on core.alert from lokdarpan_app, lokdarpan_admin;
revoke insert, update on core.alert from lokdarpan_analyst;
revoke select on core.post, core.alert, core.epaper from lokdarpan_readonly, lokdarpan_app;
revoke select on core.ward, core.emotion, core.emotion_label, core.party, core.party_alias, core.author
    from lokdarpan_readonly, lokdarpan_app, lokdarpan_ingest;

revoke usage on schema core, ingest, analytics, electoral, pulse, knowledge, demography, crisis, ai,
                       content, ops, audit, extensions
    from lokdarpan_readonly, lokdarpan_app, lokdarpan_ingest;

drop function audit.default_search_path();

commit;
