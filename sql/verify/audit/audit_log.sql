-- Verify lokdarpan:audit/audit_log on pg

begin;

select 1 / (count(*) >= 7)::int from core.partitions_of('audit.audit_log'::regclass) where not is_default;
select 1 / (count(*) = 0)::int from core.partitions_of('audit.audit_log'::regclass) where is_default;
create table audit.verify_audited (verify_id integer primary key, secret text);
select audit.enable_audit('audit.verify_audited', '{secret}');
set local lokdarpan.app_user = 'verify-user';
insert into audit.verify_audited values (1, 'hunter2');
update audit.verify_audited set verify_id = 2;
select 1 / (count(*) = 2)::int from audit.audit_log
 where table_name = 'verify_audited' and app_user = 'verify-user'
   and coalesce(new_row ->> 'secret', '') = '<redacted>' and transaction_id = pg_current_xact_id()::text::bigint;
do $$
begin
    update audit.audit_log set app_user = 'x' where table_name = 'verify_audited';
    raise exception 'audit_log accepted an UPDATE';
exception when insufficient_privilege then
    null;
end
$$;
do $$
begin
    delete from audit.audit_log where table_name = 'verify_audited';
    raise exception 'audit_log accepted a DELETE';
exception when insufficient_privilege then
    null;
end
$$;

rollback;
