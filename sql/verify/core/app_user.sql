-- Verify lokdarpan:core/app_user on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns.

begin;

select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'core.app_user'::regclass and attnum > 0 and not attisdropped
   and attname in ('user_id', 'username', 'email', 'password_hash', 'failed_login_count', 'is_active', 'created_at', 'last_login_at');
select 'core.uq_app_user__lower_username'::regclass;
select 'core.uq_app_user__lower_email'::regclass;

rollback;
