-- Security, round two.

-- A domain is one organization's once verified; until then several may claim it (a pending
-- claim squats nothing), each organization once.
CREATE TABLE organization_domains_new (
    id               TEXT PRIMARY KEY,             -- dom_…
    domain           TEXT NOT NULL,                -- lowercase, no trailing dot
    organization_id  TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status           TEXT NOT NULL,                -- pending | verified
    verification_txt TEXT NOT NULL,
    verified_by      TEXT,                         -- admin | dns
    created_at       INTEGER NOT NULL,
    verified_at      INTEGER,
    UNIQUE (organization_id, domain)
);
INSERT INTO organization_domains_new (id, domain, organization_id, status, verification_txt, verified_by, created_at, verified_at)
    SELECT id, domain, organization_id, status, verification_txt, verified_by, created_at, verified_at FROM organization_domains;
DROP TABLE organization_domains;
ALTER TABLE organization_domains_new RENAME TO organization_domains;
CREATE INDEX organization_domains_org ON organization_domains (organization_id);
CREATE INDEX organization_domains_domain ON organization_domains (domain);
CREATE UNIQUE INDEX organization_domains_verified ON organization_domains (domain) WHERE status = 'verified';

-- A refresh-token family, revoked as one. Issuing a token of a family first writes its row
-- (on PostgreSQL, a row lock held to the commit) and inserts the token only if the family is
-- not revoked and its user active, so a refresh racing a reuse or a deactivation cannot leave
-- a live token.
CREATE TABLE refresh_families (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    revoked      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at   INTEGER NOT NULL                 -- absolute: no token of the family after this
);
CREATE INDEX refresh_families_user_id ON refresh_families (user_id);
CREATE INDEX refresh_families_client_id ON refresh_families (client_id);
INSERT INTO refresh_families (id, client_id, user_id, revoked, created_at, expires_at)
    SELECT family_id, MIN(client_id), MIN(user_id), MAX(revoked), MIN(created_at), MAX(family_expires_at) FROM refresh_tokens GROUP BY family_id;
