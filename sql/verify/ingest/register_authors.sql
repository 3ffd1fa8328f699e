-- Verify lokdarpan:ingest/register_authors on pg
-- Two new names (one padded, one repeated) and a known one: two rows, trimmed; blank and
-- over-long names are skipped.

begin;

select 1 / (ingest.register_authors(array['  verify author a ' || txid_current(), 'verify author b ' || txid_current(),
                                          'verify author b ' || txid_current(), '', null, repeat('x', 201)]) = 2)::int;
select 1 / (ingest.register_authors(array['verify author a ' || txid_current()]) = 0)::int;
select 1 / (count(*) = 2)::int from core.author
 where name in ('verify author a ' || txid_current(), 'verify author b ' || txid_current());

rollback;
