-- Foundation: dashboard admins, their sessions, Management API tokens and the sign-in throttle.
-- Timestamps are Unix milliseconds (BIGINT) so both dialects store and compare them alike.

-- People who sign in to the dashboard. Emails are stored lower-cased.
CREATE TABLE admins (
    id                   TEXT PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,                 -- argon2id PHC string
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE, -- true while a generated one-time password is in use
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);

-- Server-side dashboard sessions. Only a SHA-256 of the cookie value is kept.
CREATE TABLE admin_sessions (
    token_hash   TEXT PRIMARY KEY,
    admin_id     TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX admin_sessions_admin_id ON admin_sessions(admin_id);
CREATE INDEX admin_sessions_expires_at ON admin_sessions(expires_at);

-- Management API bearer tokens (`tessera token create`). Only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,                         -- space-separated, e.g. "read:connections"
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);

-- Failed sign-in attempts per account ('account:<email>') and per address ('address:<ip>'),
-- counted in a fixed window; shared by all replicas.
CREATE TABLE signin_failures (
    throttle_key      TEXT PRIMARY KEY,
    failures          BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL
);
