//! Deleting a user: their single sign-on sessions end (the applications are told) and every
//! token they hold stops working, then the row goes. Apart from the users module because it
//! reaches into the provider, which reads users.

use crate::backend::error::Resource;
use crate::backend::provider::{end_sessions, refresh, sessions::Ending};
use crate::backend::{AppState, Error, Result};

pub async fn delete_user(state: &AppState, id: &str) -> Result<()> {
    end_sessions(state, Ending::User(id)).await?;
    refresh::revoke_for_user(state, id).await?;
    let n = state.db.execute("DELETE FROM users WHERE id = $1", &[id.into()]).await?;
    if n == 0 {
        return Err(Error::not_found(Resource::User, "The user does not exist."));
    }
    Ok(())
}
