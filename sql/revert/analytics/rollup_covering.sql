-- Revert lokdarpan:analytics/rollup_covering from pg
-- The primary keys without included columns, as analytics/rollup, analytics/day_rollup and
-- analytics/ward_author_day made them (the tables stay in the order the rewrite left them).

begin;

alter table analytics.ward_hour_party drop constraint fk_ward_hour_party__ward_hour;
alter table analytics.ward_day_party drop constraint fk_ward_day_party__ward_day;

alter table analytics.ward_author_day drop constraint pk_ward_author_day;
alter table analytics.ward_author_day add constraint pk_ward_author_day primary key (ward_name, day);
alter table analytics.ward_author_day set without cluster;

alter table analytics.ward_day_party drop constraint pk_ward_day_party;
alter table analytics.ward_day_party add constraint pk_ward_day_party primary key (ward_name, day, party);
alter table analytics.ward_day_party set without cluster;

alter table analytics.ward_hour_party drop constraint pk_ward_hour_party;
alter table analytics.ward_hour_party add constraint pk_ward_hour_party primary key (ward_name, bucket, party);
alter table analytics.ward_hour_party set without cluster;

alter table analytics.ward_day drop constraint pk_ward_day;
alter table analytics.ward_day add constraint pk_ward_day primary key (ward_name, day);
alter table analytics.ward_day set without cluster;

alter table analytics.ward_hour drop constraint pk_ward_hour;
alter table analytics.ward_hour add constraint pk_ward_hour primary key (ward_name, bucket);
alter table analytics.ward_hour set without cluster;

alter table analytics.ward_hour_party add constraint fk_ward_hour_party__ward_hour foreign key (ward_name, bucket)
    references analytics.ward_hour (ward_name, bucket) on delete cascade;
alter table analytics.ward_day_party add constraint fk_ward_day_party__ward_day foreign key (ward_name, day)
    references analytics.ward_day (ward_name, day) on delete cascade;

commit;
