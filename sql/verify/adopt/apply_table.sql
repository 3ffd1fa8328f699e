-- Verify lokdarpan:adopt/apply_table on pg
-- Shape only: the per-table apply of the capture backlog exists.

begin;

select 'adopt.apply_capture_table(text, integer)'::regprocedure;

rollback;
