-- Behaviour of ingest/register_authors (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Two new names (one padded, one repeated) and a known one: two rows, trimmed; blank and
-- over-long names are skipped.

begin;
select plan(3);

select ok(ingest.register_authors(array['  verify author a ' || txid_current(), 'verify author b ' || txid_current(),
                                          'verify author b ' || txid_current(), '', null, repeat('x', 201)]) = 2, 'ingest/register_authors: check 1');
select ok(ingest.register_authors(array['verify author a ' || txid_current()]) = 0, 'ingest/register_authors: check 2');
select ok(count(*) = 2, 'ingest/register_authors: check 3') from core.author
 where name in ('verify author a ' || txid_current(), 'verify author b ' || txid_current());

select * from finish();
rollback;
