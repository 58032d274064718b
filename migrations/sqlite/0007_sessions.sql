-- Single sign-on sessions and refresh tokens (Tessera as a complete OpenID Provider).

-- A browser's Tessera session after an upstream login. The cookie holds a secret; only its
-- hash is kept. `id` is public: it is the `sid` in ID tokens and logout tokens.
CREATE TABLE sso_sessions (
    id            TEXT PRIMARY KEY,
    cookie_hash   TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    auth_time     INTEGER NOT NULL,            -- seconds: when the user authenticated at the IdP
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,            -- absolute lifetime
    revoked_at    INTEGER
);
CREATE INDEX sso_sessions_user_id ON sso_sessions (user_id);
CREATE INDEX sso_sessions_expires_at ON sso_sessions (expires_at);

-- Refresh tokens, rotated at each use. A family is every token descended from one grant; a
-- token used twice revokes its whole family.
CREATE TABLE refresh_tokens (
    token_hash   TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    session_id   TEXT,
    scope        TEXT NOT NULL,
    auth_time    INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,             -- idle: this token must be used before then
    family_expires_at INTEGER NOT NULL,        -- absolute: no token of the family after this
    used_at      INTEGER,
    revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);

-- Access tokens know their refresh-token family, so revoking a family revokes them too.
ALTER TABLE access_tokens ADD COLUMN family_id TEXT;
CREATE INDEX access_tokens_family_id ON access_tokens (family_id);
CREATE INDEX access_tokens_user_id ON access_tokens (user_id);
