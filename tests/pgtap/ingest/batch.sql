-- Behaviour of ingest/batch (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

with b as (
    insert into ingest.batch (kind, source_file, source_sha256, first_line, last_line, lines_read,
                              inserted, duplicates, rejected, status)
    values ('posts', 'verify', repeat('0', 64), 1, 3, 3, 1, 1, 1, 'committed')
    returning batch_id
)
insert into ingest.reject (batch_id, line_no, reason_code, raw_line)
select batch_id, 3, 'malformed_json', '{' from b;
select ok(count(*) > 0, 'ingest/batch: check 1') from ingest.reject r join ingest.batch b using (batch_id) where b.source_file = 'verify';
select lives_ok($tap$
do $$
begin
    insert into ingest.batch (kind, source_file, source_sha256, first_line, last_line, lines_read, status)
    values ('posts', 'verify', repeat('0', 64), 1, 3, 3, 'committed');
    raise exception 'a committed batch with unaccounted lines was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'ingest/batch: check 2');

select * from finish();
rollback;
