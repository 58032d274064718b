-- Signing keys made for a create form before the connection exists, so the admin can register
-- the public key at the identity provider first. Single use: creating the connection takes the
-- key out of this table. Unused keys expire after an hour.
CREATE TABLE pending_signing_keys (
    id               TEXT PRIMARY KEY,      -- psk_ + 24 letters/digits, handed to the form
    alg              TEXT NOT NULL,          -- RS256 | PS256 | ES256
    private_key_enc  TEXT NOT NULL,          -- encrypted PKCS#8 key
    public_jwks      TEXT NOT NULL,          -- JSON
    expires_at       BIGINT NOT NULL
);
CREATE INDEX pending_signing_keys_expires_at ON pending_signing_keys (expires_at);
