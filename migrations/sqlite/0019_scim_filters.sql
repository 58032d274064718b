-- The SCIM filters Okta and Entra send besides userName and externalId, looked up by index:
-- emails[type eq "work"].value eq … (every email value of a provisioned user, lowercased) and
-- name.familyName eq …; users SCIM never wrote are few and read as before.
CREATE TABLE scim_user_emails (
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL,
    value         TEXT NOT NULL
);
CREATE INDEX scim_user_emails_value ON scim_user_emails (connection_id, value);
CREATE INDEX scim_user_emails_user ON scim_user_emails (user_id);
INSERT INTO scim_user_emails (user_id, connection_id, value)
    SELECT u.id, u.connection_id, lower(json_extract(e.value, '$.value'))
    FROM users u, json_each(u.scim_resource, '$.emails') e
    WHERE u.scim_resource IS NOT NULL AND json_valid(u.scim_resource) AND json_type(u.scim_resource, '$.emails') = 'array'
      AND json_type(e.value, '$.value') = 'text';

ALTER TABLE users ADD COLUMN scim_family_name TEXT;
UPDATE users SET scim_family_name = lower(json_extract(scim_resource, '$.name.familyName'))
    WHERE scim_resource IS NOT NULL AND json_valid(scim_resource) AND json_type(scim_resource, '$.name.familyName') = 'text';
CREATE INDEX users_scim_family_name ON users (connection_id, scim_family_name);
CREATE INDEX users_unprovisioned ON users (connection_id) WHERE scim_resource IS NULL;
