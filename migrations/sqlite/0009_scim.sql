-- Inbound SCIM 2.0 (RFC 7643/7644), one endpoint per connection: the identity provider's SCIM
-- client creates, updates and deactivates the same users the sign-in flow upserts.

-- Bearer tokens of a connection's SCIM client; shown once, only the SHA-256 is kept.
CREATE TABLE scim_tokens (
    id            TEXT PRIMARY KEY,            -- stk_…
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    UNIQUE (connection_id, name)
);

-- SCIM's view of a user. userName is unique per connection (case-insensitively); a user who
-- signed in before SCIM knew them answers to their email until SCIM sets one.
ALTER TABLE users ADD COLUMN user_name TEXT;
ALTER TABLE users ADD COLUMN external_id TEXT;
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
-- JSON: the resource as the SCIM client last set it (without id, meta and groups).
ALTER TABLE users ADD COLUMN scim_resource TEXT;
-- JSON: the displayNames of the SCIM groups the user is in (tokens carry them in groups).
ALTER TABLE users ADD COLUMN scim_groups TEXT NOT NULL DEFAULT '[]';
-- meta.version: bumped at every change, so If-Match can refuse a stale write.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- When SCIM last wrote the user (the Sync Frequency rule reads it).
ALTER TABLE users ADD COLUMN provisioned_at INTEGER;
CREATE UNIQUE INDEX users_user_name ON users (connection_id, lower(user_name));
CREATE INDEX users_scim_name ON users (connection_id, lower(coalesce(user_name, email)));
CREATE INDEX users_external_id ON users (connection_id, external_id);
-- A SCIM create claims the user a sign-in made by email, within the connection.
CREATE INDEX users_connection_email ON users (connection_id, lower(email));
CREATE INDEX users_connection_created ON users (connection_id, created_at, id);

CREATE TABLE scim_groups (
    id            TEXT PRIMARY KEY,            -- grp_…
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    display_name  TEXT NOT NULL,
    external_id   TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups (connection_id, lower(display_name));

CREATE TABLE scim_group_members (
    group_id TEXT NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user ON scim_group_members (user_id);

-- Users SCIM deleted: their IdP subject and email cannot sign in through the connection until
-- SCIM provisions them again (the row is gone, so nothing else would stop a new one).
CREATE TABLE scim_tombstones (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    email         TEXT,
    deleted_at    INTEGER NOT NULL,
    PRIMARY KEY (connection_id, subject)
);
CREATE INDEX scim_tombstones_email ON scim_tombstones (connection_id, lower(email));
