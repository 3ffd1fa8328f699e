-- Verify lokdarpan:audit/ward_rls on pg
-- A role assigned to Kapra sees the Kapra post and alert, not the Uppal ones.

begin;

select 1 / (count(*) = 3)::int from pg_catalog.pg_policy p
 where p.polname = 'ward_access'
   and p.polrelid in ('core.post'::regclass, 'core.alert'::regclass, 'core.epaper'::regclass);
select 1 / (count(*) = 3)::int from pg_catalog.pg_class c
 where c.oid in ('core.post'::regclass, 'core.alert'::regclass, 'core.epaper'::regclass) and c.relrowsecurity;
insert into core.post (created_at, city, text, fingerprint) values
    (now(), 'Kapra', 'lokdarpan verify ward_rls kapra', core.post_fingerprint('Kapra', null, now(), 'lokdarpan verify ward_rls kapra')),
    (now(), 'Uppal', 'lokdarpan verify ward_rls uppal', core.post_fingerprint('Uppal', null, now(), 'lokdarpan verify ward_rls uppal'));
insert into core.alert (ward_name, description) values ('Kapra', 'lokdarpan verify ward_rls'), ('Uppal', 'lokdarpan verify ward_rls');
create role lokdarpan_verify_ward_rls nologin;
grant usage on schema core, audit to lokdarpan_verify_ward_rls;
grant select on core.post, core.alert to lokdarpan_verify_ward_rls;
insert into audit.ward_assignment (role_name, ward_name) values ('lokdarpan_verify_ward_rls', 'Kapra');
set local role lokdarpan_verify_ward_rls;
select 1 / (count(*) = 1)::int from core.post where text like 'lokdarpan verify ward_rls %';
select 1 / (count(*) = 0)::int from core.post where city = 'Uppal' and text like 'lokdarpan verify ward_rls %';
select 1 / (count(*) = 1)::int from core.alert where description = 'lokdarpan verify ward_rls';
reset role;

rollback;
