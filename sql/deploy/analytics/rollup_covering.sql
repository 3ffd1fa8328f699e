-- Deploy lokdarpan:analytics/rollup_covering to pg
-- requires: analytics/rollup
-- requires: analytics/window_authors
-- The rollup tables' primary keys now carry the columns the ward functions read (INCLUDE), so a
-- window's day and hour rows come from index-only scans, and the tables are rewritten in key
-- order. A ward's rows sat one or two to a heap page among every other ward's: a 30-day
-- party breakdown visited ~140 heap pages for ~700 rows, and a get_ward_intelligence_fast call
-- cost ~1.0 ms at 10,000,000 posts (~0.6 ms with covering keys, measured). The rewrite also
-- returns the space of the author-id arrays the rework of analytics/rollup dropped (a dropped
-- column's values stay in every row until it is rewritten: ward_day held 176 MB for 53,000
-- rows). It holds ACCESS EXCLUSIVE locks on the five tables while they are rewritten (seconds
-- per million rollup rows): ward functions and ingestion wait for it.

begin;

alter table analytics.ward_hour_party drop constraint fk_ward_hour_party__ward_hour;
alter table analytics.ward_day_party drop constraint fk_ward_day_party__ward_day;

alter table analytics.ward_hour drop constraint pk_ward_hour;
alter table analytics.ward_hour add constraint pk_ward_hour primary key (ward_name, bucket)
    include (posts, positive, negative, neutral, mixed, unknown, sentiment_sum, sentiment_n);
cluster analytics.ward_hour using pk_ward_hour;

alter table analytics.ward_day drop constraint pk_ward_day;
alter table analytics.ward_day add constraint pk_ward_day primary key (ward_name, day)
    include (posts, positive, negative, neutral, mixed, unknown, sentiment_sum, sentiment_n);
cluster analytics.ward_day using pk_ward_day;

alter table analytics.ward_hour_party drop constraint pk_ward_hour_party;
alter table analytics.ward_hour_party add constraint pk_ward_hour_party primary key (ward_name, bucket, party)
    include (mentions, sentiment_sum, sentiment_n);
cluster analytics.ward_hour_party using pk_ward_hour_party;

alter table analytics.ward_day_party drop constraint pk_ward_day_party;
alter table analytics.ward_day_party add constraint pk_ward_day_party primary key (ward_name, day, party)
    include (mentions, sentiment_sum, sentiment_n);
cluster analytics.ward_day_party using pk_ward_day_party;

alter table analytics.ward_author_day drop constraint pk_ward_author_day;
alter table analytics.ward_author_day add constraint pk_ward_author_day primary key (ward_name, day)
    include (authors);
cluster analytics.ward_author_day using pk_ward_author_day;

alter table analytics.ward_hour_party add constraint fk_ward_hour_party__ward_hour foreign key (ward_name, bucket)
    references analytics.ward_hour (ward_name, bucket) on delete cascade;
alter table analytics.ward_day_party add constraint fk_ward_day_party__ward_day foreign key (ward_name, day)
    references analytics.ward_day (ward_name, day) on delete cascade;

commit;
