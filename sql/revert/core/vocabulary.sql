-- Revert lokdarpan:core/vocabulary from pg

begin;

drop function core.normalize_party(text);
drop function core.normalize_emotion(text);
drop table core.party_alias;
drop table core.party;
drop table core.emotion_label;
drop table core.emotion;

commit;
