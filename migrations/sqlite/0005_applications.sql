-- Applications (Auth0's "clients"): what sends users to Tessera to sign in. The client secret is
-- kept only as a SHA-256 (it is 48 random characters, so a fast hash is enough); it is shown once.
CREATE TABLE clients (
    client_id                  TEXT PRIMARY KEY,            -- 32 letters/digits
    name                       TEXT NOT NULL,
    description                TEXT NOT NULL DEFAULT '',
    app_type                   TEXT NOT NULL CHECK (app_type IN ('regular_web', 'spa', 'non_interactive')),
    callbacks                  TEXT NOT NULL DEFAULT '[]',  -- JSON array of URLs (exact match)
    allowed_logout_urls        TEXT NOT NULL DEFAULT '[]',  -- JSON array of URLs
    grant_types                TEXT NOT NULL DEFAULT '[]',  -- JSON array
    token_endpoint_auth_method TEXT NOT NULL,
    client_secret_hash         TEXT NOT NULL,               -- hex SHA-256 of the secret
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL
);
CREATE INDEX clients_name ON clients (lower(name), client_id);

-- Which connections each application may sign users in with: the one truth behind a
-- connection's enabled_clients and an application's Connections tab.
CREATE TABLE connection_clients (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    client_id     TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    PRIMARY KEY (connection_id, client_id)
);
CREATE INDEX connection_clients_client_id ON connection_clients (client_id);

-- enabled_clients could name anything before applications existed; nothing it named is an
-- application, so there is nothing to carry over.
ALTER TABLE connections DROP COLUMN enabled_clients;
