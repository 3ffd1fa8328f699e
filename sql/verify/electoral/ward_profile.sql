-- Verify lokdarpan:electoral/ward_profile on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/electoral/ward_profile.sql.

begin;

select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.ward_profile'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'electors', 'votes_cast', 'turnout_pct', 'last_winner_party', 'last_winner_year', 'last_election_id', 'updated_at');
select 'electoral.ix_ward_profile__last_winner_party'::regclass;
select 'electoral.ix_ward_profile__last_election_id'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'electoral.ward_profile'::regclass and tgname = 'tg_ward_profile__touch_updated_at';
select 1 / (count(*) = 27)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.ward_demographics'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'reference_year', 'source', 'literacy_idx', 'muslim_idx', 'scst_idx', 'secondary_tech_idx', 'population', 'households', 'age_18_25_pct', 'age_26_40_pct', 'age_41_60_pct', 'age_60_plus_pct', 'graduate_pct', 'below_poverty_line_pct', 'median_household_income_inr', 'employment_rate_pct', 'informal_employment_pct', 'owner_occupied_housing_pct', 'slum_households_pct', 'piped_water_access_pct', 'sanitation_access_pct', 'internet_penetration_pct', 'smartphone_penetration_pct', 'public_transport_access_pct', 'two_wheeler_ownership_pct', 'updated_at');
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'electoral.ward_demographics'::regclass and tgname = 'tg_ward_demographics__touch_updated_at';
select 1 / (count(*) = 5)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.ward_features'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'party_shares', 'volatility', 'incumbency_weakness', 'computed_at');
select 'electoral.refresh_ward_profile(int8)'::regprocedure;

rollback;
