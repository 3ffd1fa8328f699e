-- Behaviour of core/epaper (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

insert into core.epaper (publication_name, publication_date, raw_text)
values ('verify', date '2026-01-01', E'lone \\ backslash');
select ok(count(*) > 0, 'core/epaper: check 1') from core.epaper
 where raw_text_sha256 = core.text_sha256(E'lone \\ backslash');

select * from finish();
rollback;
