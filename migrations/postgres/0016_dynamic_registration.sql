-- Settings › "OIDC Dynamic Application Registration" (Auth0's enable_dynamic_client_registration):
-- off until an admin switches it on.
ALTER TABLE tenant_settings ADD COLUMN enable_dynamic_client_registration BOOLEAN NOT NULL DEFAULT FALSE;
