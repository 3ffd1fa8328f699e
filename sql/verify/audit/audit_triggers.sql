-- Verify lokdarpan:audit/audit_triggers on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the audit
-- trigger on each of the three tables. Behaviour: tests/pgtap/audit/audit_triggers.sql.

begin;

select 1 / (count(*) = 3)::int from pg_catalog.pg_trigger t
 where (t.tgrelid, t.tgname) in (('core.app_user'::regclass, 'tg_app_user__audit'),
                                 ('core.alert'::regclass, 'tg_alert__audit'),
                                 ('audit.ward_assignment'::regclass, 'tg_ward_assignment__audit'));

rollback;
