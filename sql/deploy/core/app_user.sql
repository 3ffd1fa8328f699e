-- Deploy lokdarpan:core/app_user to pg
-- requires: core/schema
-- The application's users (the seeds' table "user", a reserved word). Passwords are stored
-- only as hashes produced by the application.

begin;

create table core.app_user (
    user_id             bigint generated always as identity constraint pk_app_user primary key,
    username            text not null,
    email               text not null,
    password_hash       text not null,
    failed_login_count  integer not null default 0,
    is_active           boolean not null default true,
    created_at          timestamptz not null default now(),
    last_login_at       timestamptz,
    constraint ck_app_user__username check (username = btrim(username) and username <> ''),
    constraint ck_app_user__email check (email ~ '^[^@\s]+@[^@\s]+$'),
    constraint ck_app_user__hash check (char_length(password_hash) >= 20),
    constraint ck_app_user__failed_logins check (failed_login_count >= 0)
);
create unique index uq_app_user__lower_username on core.app_user (lower(username));
create unique index uq_app_user__lower_email on core.app_user (lower(email));

comment on table core.app_user is 'Application users (the seeds'' "user" table).';
comment on column core.app_user.password_hash is
    'Password hash from the application (e.g. bcrypt/argon2); never a plain password.';
comment on column core.app_user.failed_login_count is 'Consecutive failed logins since the last success.';

commit;
