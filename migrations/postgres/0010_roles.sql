-- Roles (Auth0's /api/v2/roles) and, per connection, "Groups and role assignments": the IdP's
-- group ids mapped to roles, and a default role for members without an explicit one. A user's
-- roles are recomputed at each sign-in and kept with them for their tokens.

CREATE TABLE roles (
    id          TEXT PRIMARY KEY,              -- rol_…
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_name ON roles (lower(name));

CREATE TABLE connection_group_roles (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    group_id      TEXT NOT NULL,               -- as the IdP's groups claim (or SCIM) names it
    name          TEXT NOT NULL DEFAULT '',    -- optional, for people
    role_id       TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (connection_id, group_id)
);

CREATE TABLE connection_default_roles (
    connection_id TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    role_id       TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE
);

-- JSON: the role names the user's last sign-in (or SCIM group change) gave them.
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
