-- Connected accounts (a connection's Purpose "connected accounts" or "both"): the IdP's access
-- and refresh tokens of each signed-in user, per connection, sealed with the master key, so an
-- application can exchange its Tessera token for the IdP's access token (Auth0's Token Vault).
CREATE TABLE connected_accounts (
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    tokens         TEXT NOT NULL,
    scope          TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT,
    PRIMARY KEY (user_id, connection_id)
);
