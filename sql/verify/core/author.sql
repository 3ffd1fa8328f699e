-- Verify lokdarpan:core/author on pg

begin;

select author_id, name, created_at from core.author where false;

rollback;
