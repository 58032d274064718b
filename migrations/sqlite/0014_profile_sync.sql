-- When a sign-in last copied the identity provider's profile into the user (Sync Frequency:
-- with "Sync user profile attributes at each login" off, a sign-in refreshes the profile once
-- this is older than the connection's Sync Frequency).
ALTER TABLE users ADD COLUMN profile_synced_at INTEGER;
UPDATE users SET profile_synced_at = COALESCE(last_login_at, created_at);
