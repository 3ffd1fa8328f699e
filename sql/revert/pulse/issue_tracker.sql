-- Revert lokdarpan:pulse/issue_tracker from pg

begin;

drop table pulse.issue_tracker;
drop table pulse.sentiment_snapshot;

commit;
