//! Fresh databases for tests (unit and integration). The suite runs once per database kind:
//! with `TESSERA_TEST_DATABASE_URL` unset each test gets its own SQLite file; set to a
//! PostgreSQL server URL (`make test` does), each test gets its own new database on that server.

use super::Db;
use crate::backend::{Error, Result};

/// A migrated, empty database of the kind this test run is for.
pub async fn fresh_database() -> Result<Db> {
    Ok(fresh_database_with_url().await?.0)
}

/// Like [`fresh_database`], with the URL a second pool (a second replica) can connect to.
pub async fn fresh_database_with_url() -> Result<(Db, String)> {
    let name = format!("tessera_test_{}", crate::backend::crypto::random_alphanumeric(12).to_lowercase());
    let db: (Db, String) = match std::env::var("TESSERA_TEST_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => {
            let admin = Db::connect(&server).await?;
            admin.execute(&format!("CREATE DATABASE {name}"), &[]).await?;
            admin.close().await;
            let mut url = url::Url::parse(&server).map_err(Error::internal)?;
            url.set_path(&name);
            (Db::connect(url.as_str()).await?, url.to_string())
        }
        _ => {
            let url = format!("sqlite://{}", std::env::temp_dir().join(format!("{name}.db")).display());
            (Db::connect(&url).await?, url)
        }
    };
    db.0.migrate().await?;
    Ok(db)
}
