-- Enterprise connections (OpenID Connect and Okta Workforce) and their home realm discovery
-- domains. JSON columns hold what the Management API returns; secrets sit in their own columns,
-- encrypted with the master key (AES-256-GCM), and never in `options`.

CREATE TABLE connections (
    id                    TEXT PRIMARY KEY,               -- con_ + 16 letters/digits
    name                  TEXT NOT NULL,
    strategy              TEXT NOT NULL CHECK (strategy IN ('oidc', 'okta')),
    display_name          TEXT,
    options               TEXT NOT NULL,                  -- JSON, no secrets
    client_secret_enc     TEXT,                           -- encrypted client secret
    private_key_enc       TEXT,                           -- encrypted PKCS#8 key for private_key_jwt
    enabled_clients       TEXT NOT NULL DEFAULT '[]',     -- JSON array of application ids
    is_domain_connection  INTEGER NOT NULL DEFAULT 0,
    show_as_button        INTEGER NOT NULL DEFAULT 1,
    realms                TEXT NOT NULL DEFAULT '[]',     -- JSON array
    metadata              TEXT NOT NULL DEFAULT '{}',     -- JSON object of strings
    check_status          TEXT NOT NULL,                  -- last issuer check: found | not_found | invalid | not_checked
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
-- Names are unique regardless of case; the index also serves the ordered listing.
CREATE UNIQUE INDEX connections_name_key ON connections (lower(name));
CREATE INDEX connections_strategy_name ON connections (strategy, lower(name));

-- Home realm discovery: an email domain belongs to at most one connection.
CREATE TABLE connection_domains (
    domain        TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE
);
CREATE INDEX connection_domains_connection_id ON connection_domains (connection_id);
