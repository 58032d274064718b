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

/// Makes the link and, for `email`, sends it. A bad address, or one past the bound on emails, is
/// refused before anything is made.
pub async fn invite(state: &AppState, organization_id: &str, days: u32, client_ids: Vec<String>, created_by: &str, email: Option<&str>) -> Result<Invited> {
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(_) if !mail::configured(&state.env.operations) => {
            return Err(Error::invalid("email", "cannot be sent: no mail server is configured (set TESSERA_SMTP_URL), copy the link instead"));
        }
        Some(raw) => Some(normalize_email("email", raw)?),
    };
    let organization = super::get(state, organization_id).await?;
    if let Some(to) = &email {
        take_mail(state, to, created_by).await?;
    }
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

/// Emails to one address, per 15 minutes: an organization's IT admin needs one, a resend or two.
const MAILS_PER_ADDRESS: i64 = 5;
/// Emails one admin sends, per 15 minutes, to any addresses.
const MAILS_PER_ADMIN: i64 = 30;

/// Counts an email against its address and its sender (in the database, so every replica counts
/// the same): Tessera's mail server must not become a way to flood an inbox or to send mail in
/// bulk, whoever holds an admin's session.
async fn take_mail(state: &AppState, to: &str, created_by: &str) -> Result<()> {
    let keys = [(format!("invite-mail-to:{to}"), MAILS_PER_ADDRESS), (format!("invite-mail-by:{created_by}"), MAILS_PER_ADMIN)];
    let refusal = "Too many setup link emails in a short time. Wait a few minutes, or create the link without an email and copy it.";
    crate::backend::admin::throttle::take_bounded(&state.db, &state.clock, &keys, refusal).await
}
