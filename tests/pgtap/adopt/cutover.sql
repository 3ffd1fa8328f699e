-- Behaviour of adopt/apply, adopt/cutover and adopt/ward_month on a tiny legacy schema built
-- inside the transaction: continuous apply in the writer's transaction (a refused row
-- quarantined, never an error), the compatibility view's round trip of legacy rows, its
-- INSTEAD OF writes and unique keys, rollback carrying rows back, per (ward, month) counts.

begin;
select plan(25);

create schema legacy_c;
create table legacy_c.author (id serial primary key, name varchar(120) not null unique, party varchar(64));
create table legacy_c.post (id serial primary key, text text not null, author_id integer references legacy_c.author (id),
                            city varchar(120), emotion varchar(64), party varchar(64), created_at timestamp not null,
                            epaper_id integer);
insert into legacy_c.author (name, party) values ('A One', 'BJP');
insert into legacy_c.post (text, author_id, city, emotion, party, created_at) values
    ('one', 1, 'Ward 95', 'Hopeful', 'TRS', '2024-05-01 00:00'),
    ('two', 1, 'Hyderabad', null, null, '2024-05-01 01:00'),
    ('three', 1, 'Kapra', 'anger', 'Congress', '2024-06-01 02:00');

select ok(adopt.install_capture('legacy_c', 'author', 'UTC', 2::smallint), 'capture on author');
select ok(adopt.install_capture('legacy_c', 'post', 'UTC', 4::smallint), 'capture on post');
select adopt.backfill_batch('author', 10);
select adopt.backfill_batch('post', 10);
select ok(adopt.install_apply('legacy_c', 'author') and adopt.install_apply('legacy_c', 'post'), 'install_apply');
select ok(not adopt.install_apply('legacy_c', 'post'), 'install_apply: idempotent');

-- adopt/apply: synchronous, in this very transaction
insert into legacy_c.post (text, author_id, city, created_at) values ('four', 1, 'Kapra', '2024-06-02 00:00');
select is((select text from core.post where post_id = 4), 'four', 'apply: an insert is in core at once');
select is((select count(*)::int from adopt.capture), 0, 'apply: no backlog left');
update legacy_c.post set city = 'Nowhere' where id = 4;
select is((select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = 4), 'unknown_ward',
          'apply: a row the rules refuse is quarantined, the write succeeds');
update legacy_c.post set city = 'Kapra' where id = 4;
select lives_ok($$update legacy_c.post set text = repeat('x', 10001) where id = 4$$,
                'apply: a row core refuses does not fail the write');
select is((select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = 4), 'bad_text',
          'apply: ... it is quarantined');
update legacy_c.post set text = 'four' where id = 4;

-- adopt/ward_month
select is((select string_agg(ward || ' ' || month || ' ' || legacy_rows || '=' || adopted || '+' || quarantined
                             || case when differs then ' DIFFERS' else '' end, ', ' order by ward, month)
             from adopt.post_ward_months()),
          'Hyderabad 2024-05-01 1=0+1, Jubilee Hills 2024-05-01 1=1+0, Kapra 2024-06-01 2=2+0',
          'post_ward_months: resolved wards, raw labels for the quarantined, per month');
select is((select count(*)::int from adopt.verify_post() where legacy_id is not null), 0,
          'verify_post: no difference after the apply');
alter table legacy_c.post disable trigger tg_post__adopt_sync;
update legacy_c.post set text = 'captured only' where id = 3;
alter table legacy_c.post disable trigger tg_post__adopt_capture;
update legacy_c.post set text = 'behind its back' where id = 1;
alter table legacy_c.post enable trigger tg_post__adopt_capture;
alter table legacy_c.post enable trigger tg_post__adopt_sync;
select is((select string_agg(coalesce(legacy_id || ' ' || problem,
                                      ward || ' ' || month || ' pending ' || pending || ' differs ' || differs), ', '
                             order by legacy_id, ward, month)
             from adopt.verify_post() where legacy_id is not null or differs or pending > 0),
          '1 adopted content differs, Jubilee Hills 2024-05-01 pending 0 differs true, Kapra 2024-06-01 pending 1 differs false',
          'verify_post: a row changed behind its back differs, its group too; a captured write is pending, no difference');
update legacy_c.post set text = 'one' where id = 1;
select adopt.apply_capture(100);

-- adopt/cutover: legacy tables moved intact, views under their names read back exactly the legacy rows
select ok(exists (select 1 from adopt.cutover_switch() m where m like 'legacy tables moved%'), 'cutover_switch');
select is((select string_agg(c.relname || ':' || c.relkind::text, ',' order by c.relname) from pg_class c
            where c.relnamespace = 'legacy_c'::regnamespace and c.relkind in ('r', 'v')), 'author:v,post:v',
          'cutover: compatibility views under the legacy names');
select is((select count(*)::int from ((select * from legacy_c.post except all select * from lokdarpan_legacy.post)
                                       union all (select * from lokdarpan_legacy.post except all select * from legacy_c.post)) d),
          0, 'cutover: the view returns the legacy rows, quarantined ones included, with legacy values and types');
select is((select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'legacy_c.post'::regclass
            and attname = 'id'), 'integer', 'cutover: the legacy column types (cached plans keep their result type)');

-- writes through the view
with i as (insert into legacy_c.post (text, author_id, city, emotion, party, created_at, epaper_id)
           values ('five', 1, 'Uppal', null, 'BJP', '2024-06-03 00:00', null) returning id)
select is((select id from i), 5, 'compat insert: RETURNING the next id past every legacy id');
select is((select row(city, party)::text from core.post where post_id = 5), '(Uppal,BJP)', 'compat insert: in core');
select throws_ok($$insert into legacy_c.author (name, party) values ('A One', null)$$, '23505', null,
                 'compat insert: the legacy unique key on author.name still raises unique_violation');
update legacy_c.post set city = 'Hyderabad' where id = 5;
select is((select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = 5), 'no_ward',
          'compat update: a city-wide row is quarantined and still readable under the legacy name');

-- rollback: the rows written since cutover carried back before the switch, in batches
select is((select count(*)::int from adopt.compat_log), 1, 'compat_log: the id written through the view');
select is((select string_agg(legacy_table || ' ' || deleted || '/' || changed || '/' || inserted, ',')
             from adopt.rollback_carry(10)), 'post 0/0/1', 'rollback_carry: the row inserted since cutover carried back');
select is((select count(*)::int from adopt.compat_log), 0, 'rollback_carry: its log entry taken');
-- rollback: every row written since cutover back in the legacy table, same id
select ok(exists (select 1 from adopt.rollback_switch()), 'rollback_switch');
select is((select row(id, text, city)::text from legacy_c.post where id = 5), '(5,five,Hyderabad)',
          'rollback: the row written through the view is in the legacy table');

select * from finish();
rollback;
