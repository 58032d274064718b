-- Third-party applications (Auth0's `is_first_party: false`): they sign users in only through
-- connections promoted to domain level, after the user consents. `user_grants` keeps each
-- user's consent per application (Auth0's `/api/v2/grants`); `consent_requests` holds a signed-in
-- user's authorization request while the consent screen is shown (single use, 10 minutes, bound
-- to the browser, sealed with the master key).
ALTER TABLE clients ADD COLUMN is_first_party BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE user_grants (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    scope       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (user_id, client_id)
);
CREATE INDEX user_grants_client ON user_grants (client_id);

CREATE TABLE consent_requests (
    token_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    request       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
