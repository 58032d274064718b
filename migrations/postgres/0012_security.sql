-- Security, round two.

-- A domain is one organization's once verified; until then several may claim it (a pending
-- claim squats nothing), each organization once.
ALTER TABLE organization_domains DROP CONSTRAINT organization_domains_domain_key;
ALTER TABLE organization_domains ADD CONSTRAINT organization_domains_organization_id_domain_key UNIQUE (organization_id, domain);
CREATE INDEX organization_domains_domain ON organization_domains (domain);
CREATE UNIQUE INDEX organization_domains_verified ON organization_domains (domain) WHERE status = 'verified';

-- A refresh-token family, revoked as one. Issuing a token of a family first writes its row
-- (a row lock held to the commit) and inserts the token only if the family is not revoked and
-- its user active, so a refresh racing a reuse or a deactivation cannot leave a live token.
CREATE TABLE refresh_families (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    revoked      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at   BIGINT NOT NULL                  -- absolute: no token of the family after this
);
CREATE INDEX refresh_families_user_id ON refresh_families (user_id);
CREATE INDEX refresh_families_client_id ON refresh_families (client_id);
INSERT INTO refresh_families (id, client_id, user_id, revoked, created_at, expires_at)
    SELECT family_id, MIN(client_id), MIN(user_id), bool_or(revoked), MIN(created_at), MAX(family_expires_at) FROM refresh_tokens GROUP BY family_id;
