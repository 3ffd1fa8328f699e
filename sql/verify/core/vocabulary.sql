-- Verify lokdarpan:core/vocabulary on pg

begin;

select 1 / (count(*) = 5)::int from core.emotion;
select 1 / (count(*) = 10)::int from core.party;
select 1 / (core.normalize_emotion(' Hopeful ') = 'positive')::int;
select 1 / (core.normalize_party('TRS') = 'BRS')::int;

rollback;
