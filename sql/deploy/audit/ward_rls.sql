-- Deploy lokdarpan:audit/ward_rls to pg
-- requires: audit/ward_access
-- requires: core/post
-- requires: core/alert
-- requires: core/epaper
-- Row-level security by ward on the core tables that carry ward data: posts (through the
-- partitioned parent; direct access to partitions is closed by grants), alerts, and e-papers
-- (an e-paper without a ward is city-wide and visible to everybody).

begin;

select audit.enable_ward_rls('core.post'::regclass, 'city');
select audit.enable_ward_rls('core.alert'::regclass, 'ward_name');
select audit.enable_ward_rls('core.epaper'::regclass, 'city', true);

commit;
