-- Behaviour of core/vocabulary (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(4);

select ok(count(*) = 5, 'core/vocabulary: check 1') from core.emotion;
select ok(count(*) = 10, 'core/vocabulary: check 2') from core.party;
select ok(core.normalize_emotion(' Hopeful ') = 'positive', 'core/vocabulary: check 3');
select ok(core.normalize_party('TRS') = 'BRS', 'core/vocabulary: check 4');

select * from finish();
rollback;
