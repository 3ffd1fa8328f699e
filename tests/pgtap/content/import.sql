-- Behaviour of content/import (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

with r as (
    insert into content.import_run (source_path, source_sha256)
    values ('/verify.db', repeat('ab', 32)) returning import_id
)
insert into content.import_reject (import_id, source_table, source_key, reason, raw_row, row_sha256)
select r.import_id, 'raw_articles', 'x', 'orphan', '{"uri": "x"}', repeat('cd', 32) from r;
select ok(count(*) > 0, 'content/import: check 1') from content.import_reject r join content.import_run i using (import_id)
 where i.status = 'running' and r.reason = 'orphan';
select lives_ok($tap$
do $$
begin
    update content.import_run set status = 'completed';
    raise exception 'a completed run without finished_at was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'content/import: check 2');

select * from finish();
rollback;
