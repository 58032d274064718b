//! "Invite IT admin": a setup link made and, when a mail server is configured and the admin gave
//! an address, sent to the organization's IT admin. The link is made first and shown to the
//! admin whatever the mail server says: a refused email is reported beside the link, never
//! instead of it.

use super::setup::{self, CreatedLink};
use crate::backend::admin::accounts::normalize_email;
use crate::backend::{logs, mail, AppState, Error, Result};

/// A link made, and what became of its email.
pub struct Invited {
    pub created: CreatedLink,
    /// `Some(Ok(address))`: sent; `Some(Err(reason))`: not sent; `None`: none asked for.
    pub email: Option<std::result::Result<String, String>>,
}

/// Makes the link and, for `email`, sends it. A bad address is refused before anything is made.
pub async fn invite(state: &AppState, organization_id: &str, days: u32, client_ids: Vec<String>, created_by: &str, email: Option<&str>) -> Result<Invited> {
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(_) if !mail::configured(&state.env.operations) => {
            return Err(Error::invalid("email", "cannot be sent: no mail server is configured (set TESSERA_SMTP_URL), copy the link instead"));
        }
        Some(raw) => Some(normalize_email("email", raw)?),
    };
    let organization = super::get(state, organization_id).await?;
    let created = setup::create(state, organization_id, days, client_ids, created_by).await?;
    let Some(to) = email else {
        return Ok(Invited { created, email: None });
    };
    let invitation = mail::Invitation {
        to: &to,
        organization: organization.label(),
        invited_by: created_by,
        url: &created.url,
        expires: crate::text::format_utc(created.link.expires_at),
    };
    let sent = mail::send_invitation(&state.env, &invitation).await;
    let note = match &sent {
        Ok(()) => format!("Setup link {} sent by email to {to}", created.link.id),
        Err(reason) => format!("Setup link {} could not be sent to {to}: {reason}", created.link.id),
    };
    logs::record(state, logs::SETUP_LINK_CREATED, &note, None, None, None).await;
    Ok(Invited { created, email: Some(sent.map(|()| to)) })
}
