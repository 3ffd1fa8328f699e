-- Verify lokdarpan:audit/domain_access on pg

begin;

select 1 / (count(*) = 0)::int from audit.ward_scoped_table
 where status = 'unprotected' and table_schema in ('electoral', 'pulse', 'knowledge', 'demography', 'crisis');
select 1 / (count(*) >= 15)::int
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where p.polname = 'ward_access' and n.nspname in ('electoral', 'pulse', 'knowledge', 'demography', 'crisis');
select 1 / count(*) from pg_catalog.pg_trigger t
 where t.tgrelid = 'crisis.crisis_event'::regclass and t.tgname = 'tg_crisis_event__audit';
select 1 / has_table_privilege('lokdarpan_analyst', 'pulse.ward_sentiment_timeseries', 'select')::int;

rollback;
