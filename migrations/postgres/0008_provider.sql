-- Tessera as a complete OpenID Provider, second half: signing-key rotation and ES256, tenant
-- session lifetimes, machine-to-machine grants, back-channel logout, private_key_jwt clients.

-- A rotated-out key stays in the JWKS until retire_at (the overlap window), then is removed.
-- The newest key of each alg without retire_at signs.
ALTER TABLE signing_keys ADD COLUMN retire_at BIGINT;

-- The Settings page's "Login Session Management" (one row; absent means Auth0's defaults).
CREATE TABLE tenant_settings (
    id                            BIGINT PRIMARY KEY CHECK (id = 1),
    idle_session_lifetime_minutes BIGINT NOT NULL,
    session_lifetime_minutes      BIGINT NOT NULL,
    updated_at                    BIGINT NOT NULL
);

-- Applications: the ID token's alg, OpenID Connect Back-Channel Logout, and the public keys of
-- a client authenticating with private_key_jwt (a JWK Set, JSON).
ALTER TABLE clients ADD COLUMN id_token_signed_response_alg TEXT NOT NULL DEFAULT 'RS256';
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN jwks TEXT;

-- What a machine-to-machine application may ask for with client_credentials (Auth0's client grants).
CREATE TABLE client_grants (
    id         TEXT PRIMARY KEY,               -- cgr_…
    client_id  TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    audience   TEXT NOT NULL,
    scope      TEXT NOT NULL DEFAULT '[]',     -- JSON array
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (client_id, audience)
);

-- Logout tokens still to deliver to applications' backchannel_logout_uri, retried with backoff.
CREATE TABLE logout_deliveries (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    session_id      TEXT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX logout_deliveries_next_attempt_at ON logout_deliveries (next_attempt_at);

-- private_key_jwt client assertions are single use: their jti is kept until they expire.
CREATE TABLE client_assertions (
    jti_hash   TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- A session's inactivity timeout, fixed when it starts (the Settings page's value then).
ALTER TABLE sso_sessions ADD COLUMN idle_ms BIGINT NOT NULL DEFAULT 259200000;

-- The applications a session signed in to that take back-channel logout: told when it ends.
CREATE TABLE session_clients (
    session_id TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    PRIMARY KEY (session_id, client_id)
);
