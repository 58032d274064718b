//! Management API bearer tokens: created, listed and revoked with `tessera token …`, checked on
//! every `/api/v2` request. Only the token's SHA-256 is stored; the token is printed once.

use crate::backend::error::Resource;
use crate::backend::crypto::{random_alphanumeric, random_token, sha256_hex};
use crate::backend::store::inline_row;
use crate::backend::store::{is_unique_violation, Db};
use crate::backend::{Clock, Error, Result};

/// Every scope the Management API knows, in Auth0's spelling.
pub const ALL_SCOPES: &[&str] = &[
    "read:connections", "create:connections", "update:connections", "delete:connections",
    "read:clients", "create:clients", "update:clients", "delete:clients", "update:client_keys",
    "read:users", "delete:users", "read:logs", "read:grants", "delete:grants",
    "read:client_grants", "create:client_grants", "update:client_grants", "delete:client_grants",
    "read:roles", "create:roles", "update:roles", "delete:roles",
    "read:organizations", "create:organizations", "update:organizations", "delete:organizations",
    "read:organization_connections", "create:organization_connections", "update:organization_connections", "delete:organization_connections",
    "read:organization_discovery_domains", "create:organization_discovery_domains", "update:organization_discovery_domains", "delete:organization_discovery_domains",
    "read:organization_client_grants",
    "read:scim_config", "create:scim_config", "update:scim_config", "delete:scim_config", "read:scim_token", "create:scim_token", "delete:scim_token",
];

/// Tokens start with this so they are recognisable in secret scanners.
pub const TOKEN_PREFIX: &str = "tsr_";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl ApiToken {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// 403 unless the token carries `scope`.
    pub fn require_scope(&self, scope: &str) -> Result<()> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("Insufficient scope, expected: {scope}")))
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    scopes: String,
    created_at: i64,
    last_used_at: Option<i64>,
}
inline_row!(Row { id, name, scopes, created_at, last_used_at });


impl From<Row> for ApiToken {
    fn from(r: Row) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            scopes: r.scopes.split_whitespace().map(str::to_string).collect(),
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("name", "must be 1-64 letters, digits, '-', '_' or '.'"))
    }
}

/// Creates a token and returns it with its plaintext, which is never stored or shown again.
/// `scopes` empty means every scope.
pub async fn create_token(db: &Db, clock: &Clock, name: &str, scopes: &[String]) -> Result<(ApiToken, String)> {
    check_name(name)?;
    let scopes: Vec<String> = if scopes.is_empty() {
        ALL_SCOPES.iter().map(|s| s.to_string()).collect()
    } else {
        scopes.to_vec()
    };
    if let Some(unknown) = scopes.iter().find(|s| !ALL_SCOPES.contains(&s.as_str())) {
        return Err(Error::invalid("scopes", format!("unknown scope {unknown:?}; known scopes: {}", ALL_SCOPES.join(", "))));
    }
    let plaintext = format!("{TOKEN_PREFIX}{}", random_token());
    let token = ApiToken {
        id: format!("tok_{}", random_alphanumeric(16)),
        name: name.to_string(),
        scopes,
        created_at: clock.now_ms(),
        last_used_at: None,
    };
    let inserted = db.execute(
        "INSERT INTO api_tokens (id, name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[(&token.id).into(), (&token.name).into(), (sha256_hex(&plaintext)).into(), (token.scopes.join(" ")).into(), token.created_at.into()],
    ).await;
    match inserted {
        Ok(_) => Ok((token, plaintext)),
        Err(e) if is_unique_violation(&e) => Err(Error::conflict(Resource::Token, "name", format!("a token named {name:?} already exists"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn list_tokens(db: &Db) -> Result<Vec<ApiToken>> {
    let rows: Vec<Row> = db.fetch_all("SELECT id, name, scopes, created_at, last_used_at FROM api_tokens ORDER BY name", &[]).await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// Revokes by name; the token stops working at once.
pub async fn revoke_token(db: &Db, name: &str) -> Result<()> {
    let done = db.execute("DELETE FROM api_tokens WHERE name = $1", &[name.into()]).await?;
    if done == 0 {
        return Err(Error::not_found(Resource::Token, format!("no token named {name:?}")));
    }
    Ok(())
}

/// The token a bearer value belongs to, or `None`.
pub async fn authenticate(db: &Db, clock: &Clock, bearer: &str) -> Result<Option<ApiToken>> {
    if !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let hash = sha256_hex(bearer);
    let row: Option<Row> = db.fetch_optional(
        "SELECT id, name, scopes, created_at, last_used_at FROM api_tokens WHERE token_hash = $1",
        &[(&hash).into()],
    ).await?;
    let Some(row) = row else { return Ok(None) };
    let now = clock.now_ms();
    // Record use at most once a minute.
    if row.last_used_at.is_none_or(|t| now - t > 60_000) {
        db.execute("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", &[now.into(), (&row.id).into()]).await?;
    }
    Ok(Some(row.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::store::testing::fresh_database;

    #[tokio::test]
    async fn a_created_token_authenticates_and_only_its_hash_is_stored() -> Result<()> {
        let db = fresh_database().await?;
        let (token, plaintext) = create_token(&db, &Clock::System, "ci", &[]).await?;
        assert!(plaintext.starts_with(TOKEN_PREFIX));
        assert_eq!(token.scopes.len(), ALL_SCOPES.len());
        let stored: Vec<String> = db.fetch_all_scalars("SELECT token_hash FROM api_tokens", &[]).await?;
        assert_eq!(stored, vec![sha256_hex(&plaintext)]);
        let found = authenticate(&db, &Clock::System, &plaintext).await?;
        assert_eq!(found.map(|t| t.name), Some("ci".to_string()));
        assert!(authenticate(&db, &Clock::System, "tsr_wrong").await?.is_none());
        Ok(())
    }

    #[tokio::test]
    async fn a_revoked_token_stops_working_and_names_are_unique() -> Result<()> {
        let db = fresh_database().await?;
        let (_, plaintext) = create_token(&db, &Clock::System, "deploy", &["read:connections".into()]).await?;
        assert!(matches!(create_token(&db, &Clock::System, "deploy", &[]).await, Err(Error::Conflict(_))));
        assert_eq!(list_tokens(&db).await?.len(), 1);
        revoke_token(&db, "deploy").await?;
        assert!(authenticate(&db, &Clock::System, &plaintext).await?.is_none());
        assert!(matches!(revoke_token(&db, "deploy").await, Err(Error::NotFound(_))));
        Ok(())
    }

    #[tokio::test]
    async fn unknown_scopes_and_bad_names_are_refused() -> Result<()> {
        let db = fresh_database().await?;
        let bad_scope = create_token(&db, &Clock::System, "x", &["write:everything".into()]).await;
        assert!(matches!(bad_scope, Err(Error::Invalid { ref fields }) if fields[0].field == "scopes"));
        assert!(create_token(&db, &Clock::System, "has space", &[]).await.is_err());
        Ok(())
    }
}
