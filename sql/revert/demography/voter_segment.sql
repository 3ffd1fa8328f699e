-- Revert lokdarpan:demography/voter_segment from pg

begin;

drop table demography.engagement_pattern;
drop table demography.voter_segment_concern;
drop table demography.voter_segment;
drop table demography.concern;

commit;
