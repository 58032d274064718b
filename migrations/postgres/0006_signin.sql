-- Signing in through connections: Tessera's own signing keys, the users it signs in, logins in
-- flight, authorization codes, issued access tokens, and the sign-in log. Everything a login
-- needs between two requests lives here, so a login started on one replica finishes on another.

-- Tessera's keys for its ID and access tokens (RS256). The private half is encrypted with the
-- master key; the newest key signs, every key here is published in the JWKS.
CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,          -- RFC 7638 thumbprint
    alg             TEXT NOT NULL,
    private_key_enc TEXT NOT NULL,
    public_jwk      TEXT NOT NULL,             -- JSON
    created_at      BIGINT NOT NULL
);

-- People signed in through a connection: one per (connection, the IdP's sub).
CREATE TABLE users (
    id             TEXT PRIMARY KEY,           -- {strategy}|{connection name}|{sub}
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject        TEXT NOT NULL,              -- the IdP's sub
    email          TEXT,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    name           TEXT,
    profile        TEXT NOT NULL DEFAULT '{}', -- JSON: the mapped profile
    groups         TEXT NOT NULL DEFAULT '[]', -- JSON: the IdP's groups
    logins_count   BIGINT NOT NULL DEFAULT 0,
    last_login_at  BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (connection_id, subject)
);
CREATE INDEX users_email ON users (lower(email));

-- Logins between /authorize and /login/callback. Keyed by a hash of the state sent to the IdP;
-- taken (deleted) by the callback, so each state works once. `request` is encrypted: it holds
-- the PKCE verifier.
CREATE TABLE login_transactions (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,               -- SHA-256 of the cookie that binds it to the browser
    connection_id TEXT NOT NULL,
    client_id     TEXT,                        -- NULL for the dashboard's "Try"
    request       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX login_transactions_expires_at ON login_transactions (expires_at);

-- Authorization codes for applications: single use, 60 seconds, bound to the application,
-- the redirect_uri and the PKCE challenge.
CREATE TABLE authorization_codes (
    code_hash    TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    request      TEXT NOT NULL,                -- JSON: redirect_uri, scope, nonce, code_challenge, auth_time
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

-- Access tokens issued, so /userinfo can check them and a reused code can revoke them.
CREATE TABLE access_tokens (
    token_hash  TEXT PRIMARY KEY,
    code_hash   TEXT,
    client_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    scope       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX access_tokens_code_hash ON access_tokens (code_hash);

-- Every sign-in success and failure (never a token).
CREATE TABLE logs (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,               -- s (success), f (failure), …
    description   TEXT NOT NULL,
    connection_id TEXT,
    client_id     TEXT,
    user_id       TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX logs_created_at ON logs (created_at);
