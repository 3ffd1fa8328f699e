-- Deploy lokdarpan:core/vocabulary to pg
-- requires: core/schema
-- One canonical emotion vocabulary and one party list for the whole product (the seeds had
-- two contradicting emotion CHECKs). Classifier and alias labels map onto them; the raw label
-- is kept by whoever stores a mapped value.

begin;

create table core.emotion (
    emotion          text constraint pk_emotion primary key,
    sentiment_score  smallint,
    constraint ck_emotion__lower check (emotion = lower(emotion)),
    constraint ck_emotion__score check (sentiment_score between -1 and 1)
);
comment on table core.emotion is 'Canonical emotion vocabulary (lower case).';
comment on column core.emotion.sentiment_score is
    'Sentiment of the emotion: 1 positive, -1 negative, 0 neutral or mixed, NULL unknown.';
insert into core.emotion (emotion, sentiment_score) values
    ('positive', 1), ('negative', -1), ('neutral', 0), ('mixed', 0), ('unknown', null);

create table core.emotion_label (
    label    text constraint pk_emotion_label primary key,
    emotion  text not null constraint fk_emotion_label__emotion references core.emotion (emotion),
    constraint ck_emotion_label__lower check (label = lower(label))
);
create index ix_emotion_label__emotion on core.emotion_label (emotion);
comment on table core.emotion_label is
    'Classifier labels (Hopeful, Anger, ...) lower-cased, mapped to the canonical emotion.';
insert into core.emotion_label (label, emotion) values
    ('positive', 'positive'), ('negative', 'negative'), ('neutral', 'neutral'),
    ('mixed', 'mixed'), ('unknown', 'unknown'),
    ('hopeful', 'positive'), ('hope', 'positive'), ('joy', 'positive'), ('happy', 'positive'),
    ('happiness', 'positive'), ('pride', 'positive'), ('proud', 'positive'),
    ('gratitude', 'positive'), ('grateful', 'positive'), ('optimism', 'positive'),
    ('optimistic', 'positive'), ('trust', 'positive'), ('love', 'positive'),
    ('excitement', 'positive'), ('satisfied', 'positive'), ('support', 'positive'),
    ('frustrated', 'negative'), ('frustration', 'negative'), ('anger', 'negative'),
    ('angry', 'negative'), ('sadness', 'negative'), ('sad', 'negative'), ('fear', 'negative'),
    ('afraid', 'negative'), ('disgust', 'negative'), ('anxiety', 'negative'),
    ('anxious', 'negative'), ('disappointed', 'negative'), ('disappointment', 'negative'),
    ('outrage', 'negative'), ('distrust', 'negative'), ('pessimism', 'negative'),
    ('concern', 'negative'), ('concerned', 'negative'),
    ('surprise', 'neutral'), ('curious', 'neutral'), ('curiosity', 'neutral'),
    ('indifferent', 'neutral'), ('informative', 'neutral'), ('ambivalent', 'mixed');

create table core.party (
    party      text constraint pk_party primary key,
    full_name  text not null
);
comment on table core.party is 'Canonical party labels (as printed, e.g. BJP, INC, BRS).';
insert into core.party (party, full_name) values
    ('BJP', 'Bharatiya Janata Party'), ('INC', 'Indian National Congress'),
    ('BRS', 'Bharat Rashtra Samithi (formerly TRS)'),
    ('AIMIM', 'All India Majlis-e-Ittehadul Muslimeen'), ('TDP', 'Telugu Desam Party'),
    ('YSRCP', 'YSR Congress Party'), ('JSP', 'Jana Sena Party'), ('NOTA', 'None of the above'),
    ('Independent', 'Independent candidate'), ('Other', 'Any other party');

create table core.party_alias (
    alias  text constraint pk_party_alias primary key,
    party  text not null constraint fk_party_alias__party references core.party (party),
    constraint ck_party_alias__lower check (alias = lower(alias))
);
create index ix_party_alias__party on core.party_alias (party);
comment on table core.party_alias is 'Lower-cased spellings of party labels, mapped to the canonical label.';
insert into core.party_alias (alias, party) values
    ('bjp', 'BJP'), ('bharatiya janata party', 'BJP'),
    ('inc', 'INC'), ('congress', 'INC'), ('indian national congress', 'INC'),
    ('brs', 'BRS'), ('trs', 'BRS'), ('bharat rashtra samithi', 'BRS'),
    ('telangana rashtra samithi', 'BRS'),
    ('aimim', 'AIMIM'), ('mim', 'AIMIM'), ('majlis', 'AIMIM'),
    ('tdp', 'TDP'), ('telugu desam', 'TDP'), ('telugu desam party', 'TDP'),
    ('ysrcp', 'YSRCP'), ('ysrc', 'YSRCP'), ('ysr congress', 'YSRCP'),
    ('jsp', 'JSP'), ('janasena', 'JSP'), ('jana sena', 'JSP'), ('jana sena party', 'JSP'),
    ('nota', 'NOTA'), ('independent', 'Independent'), ('ind', 'Independent'),
    ('other', 'Other'), ('others', 'Other');

create function core.normalize_emotion(p_label text)
returns text
language sql
stable
parallel safe
set search_path = pg_catalog, core
as $$
    select l.emotion from core.emotion_label l where l.label = lower(btrim(p_label))
$$;
comment on function core.normalize_emotion(text) is
    'Canonical emotion for a raw label (case and spaces ignored); NULL when the label is unknown.';

create function core.normalize_party(p_label text)
returns text
language sql
stable
parallel safe
set search_path = pg_catalog, core
as $$
    select a.party from core.party_alias a where a.alias = lower(btrim(p_label))
$$;
comment on function core.normalize_party(text) is
    'Canonical party for a raw label (case and spaces ignored); NULL when the label is unknown.';

commit;
