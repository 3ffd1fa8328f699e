-- Verify lokdarpan:core/epaper on pg

begin;

insert into core.epaper (publication_name, publication_date, raw_text)
values ('verify', date '2026-01-01', E'lone \\ backslash');
select 1 / count(*) from core.epaper
 where raw_text_sha256 = core.text_sha256(E'lone \\ backslash');

rollback;
