-- Revert lokdarpan:content/integrity from pg

begin;

delete from ops.integrity_check where check_name in ('content_import_runs', 'content_import_rejects');
drop function content.check_import_rejects();
drop function content.check_import_runs();

commit;
