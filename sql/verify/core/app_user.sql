-- Verify lokdarpan:core/app_user on pg

begin;

select user_id, username, email, password_hash, failed_login_count, is_active, created_at,
       last_login_at
  from core.app_user
 where false;

rollback;
