-- Behaviour of audit/ward_rls (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- A role assigned to Kapra sees the Kapra post and alert, not the Uppal ones.

begin;
select plan(5);

select ok(count(*) = 3, 'audit/ward_rls: check 1') from pg_catalog.pg_policy p
 where p.polname = 'ward_access'
   and p.polrelid in ('core.post'::regclass, 'core.alert'::regclass, 'core.epaper'::regclass);
select ok(count(*) = 3, 'audit/ward_rls: check 2') from pg_catalog.pg_class c
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
select ok(count(*) = 1, 'audit/ward_rls: check 3') from core.post where text like 'lokdarpan verify ward_rls %';
select ok(count(*) = 0, 'audit/ward_rls: check 4') from core.post where city = 'Uppal' and text like 'lokdarpan verify ward_rls %';
select ok(count(*) = 1, 'audit/ward_rls: check 5') from core.alert where description = 'lokdarpan verify ward_rls';
reset role;

select * from finish();
rollback;
