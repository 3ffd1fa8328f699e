-- Revert lokdarpan:audit/ward_rls from pg

begin;

select audit.disable_ward_rls('core.epaper'::regclass);
select audit.disable_ward_rls('core.alert'::regclass);
select audit.disable_ward_rls('core.post'::regclass);

commit;
