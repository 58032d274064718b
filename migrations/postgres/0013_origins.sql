-- Applications' "Allowed Web Origins" (silent authentication by web_message) and "Allowed
-- Origins (CORS)" (browser calls to the token, revocation and userinfo endpoints), JSON arrays.
ALTER TABLE clients ADD COLUMN web_origins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
