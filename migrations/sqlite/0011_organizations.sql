-- Organizations (Auth0's /api/v2/organizations): customers who own their connections and email
-- domains, and whose IT admins set up their own connection through a setup link.

CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,                 -- org_…
    name         TEXT NOT NULL UNIQUE,             -- lowercase, as Auth0: a-z 0-9 - _
    display_name TEXT NOT NULL DEFAULT '',
    metadata     TEXT NOT NULL DEFAULT '{}',       -- JSON object of strings
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- A connection belongs to at most one organization (the primary key says so).
CREATE TABLE organization_connections (
    connection_id              TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    organization_id            TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    assign_membership_on_login INTEGER NOT NULL DEFAULT 0,
    show_as_button             INTEGER NOT NULL DEFAULT 1,
    created_at                 INTEGER NOT NULL
);
CREATE INDEX organization_connections_org ON organization_connections (organization_id);

-- An email domain belongs to one organization: added verified by the admin, or pending until a
-- DNS TXT record proves the organization controls it.
CREATE TABLE organization_domains (
    id               TEXT PRIMARY KEY,             -- dom_…
    domain           TEXT NOT NULL UNIQUE,         -- lowercase, no trailing dot
    organization_id  TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status           TEXT NOT NULL,                -- pending | verified
    verification_txt TEXT NOT NULL,
    verified_by      TEXT,                         -- admin | dns
    created_at       INTEGER NOT NULL,
    verified_at      INTEGER
);
CREATE INDEX organization_domains_org ON organization_domains (organization_id);

-- Self-service setup links: single use, bound to the first browser that opens them, expiring,
-- revocable. Only the token's SHA-256 is kept.
CREATE TABLE setup_links (
    id              TEXT PRIMARY KEY,              -- sul_…
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    token_hash      TEXT NOT NULL UNIQUE,
    client_ids      TEXT NOT NULL DEFAULT '[]',    -- JSON: applications the connection is enabled for
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    browser_hash    TEXT,
    opened_at       INTEGER,
    connection_id   TEXT REFERENCES connections (id) ON DELETE SET NULL,
    tested_at       INTEGER,
    finished_at     INTEGER,
    revoked_at      INTEGER
);
CREATE INDEX setup_links_org ON setup_links (organization_id);
