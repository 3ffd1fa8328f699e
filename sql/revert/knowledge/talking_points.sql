-- Revert lokdarpan:knowledge/talking_points from pg

begin;

drop table knowledge.talking_points_generation_fact;
drop function knowledge.tg_talking_points_generation_fact__check_fact();
drop table knowledge.talking_points_generation;
drop function knowledge.tg_talking_points_generation__freeze_generated_at();
drop table knowledge.talking_points_template;

commit;
