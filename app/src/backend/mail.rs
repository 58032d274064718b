//! Email: a setup link sent to an organization's IT admin, when `TESSERA_SMTP_URL` names a mail
//! server. The message says which organization, who invited them and when the link expires; the
//! link itself is its only secret, and it is never logged.

use crate::backend::environment::{Environment, Operations};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long one delivery may take before the admin is told it failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// Whether `from` is an address (`Tessera <no-reply@example.com>` or a bare address).
pub fn check_mailbox(from: &str) -> Result<(), String> {
    from.parse::<Mailbox>().map(|_| ()).map_err(|e| e.to_string())
}

/// Whether emails can be sent at all.
pub fn configured(operations: &Operations) -> bool {
    operations.smtp_url.is_some()
}

/// What an invitation says.
pub struct Invitation<'a> {
    pub to: &'a str,
    pub organization: &'a str,
    pub invited_by: &'a str,
    pub url: &'a str,
    /// "Sunday, 13 December 2026 at 19:20 UTC".
    pub expires: String,
}

impl Invitation<'_> {
    pub fn subject(&self) -> String {
        format!("Set up single sign-on for {}", self.organization)
    }

    pub fn body(&self) -> String {
        format!(
            "Hello,\n\n{invited_by} invited you to set up single sign-on for {org}.\n\nOpen this link to connect your identity provider (Okta or any OpenID Provider):\n\n{url}\n\nThe link works once, in one browser, and expires on {expires}. If you were not expecting it, ignore this email.\n",
            invited_by = self.invited_by,
            org = self.organization,
            url = self.url,
            expires = self.expires,
        )
    }
}

/// Sends `invitation` through the configured mail server. The error is a sentence for the admin,
/// without the server's password.
pub async fn send_invitation(env: &Environment, invitation: &Invitation<'_>) -> Result<(), String> {
    let Some(url) = env.operations.smtp_url.as_ref() else {
        return Err("no mail server is configured (TESSERA_SMTP_URL)".into());
    };
    let to: Mailbox = invitation.to.parse().map_err(|_| format!("{} is not an email address", invitation.to))?;
    let from = sender(env)?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(invitation.subject())
        .header(ContentType::TEXT_PLAIN)
        .body(invitation.body())
        .map_err(|e| format!("the email could not be written: {e}"))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
        .map_err(|_| "TESSERA_SMTP_URL is not a usable mail server URL".to_string())?
        .timeout(Some(SEND_TIMEOUT))
        .build();
    let sent = transport.send(message).await;
    crate::backend::metrics::invitation_sent(if sent.is_ok() { "sent" } else { "failed" });
    sent.map(|_| ()).map_err(|e| {
        tracing::warn!(error = %e, "could not send a setup link by email");
        format!("the mail server did not accept the email: {e}")
    })
}

/// `TESSERA_SMTP_FROM`, or `Tessera <no-reply@{public host}>`.
fn sender(env: &Environment) -> Result<Mailbox, String> {
    let configured = env.operations.smtp_from.clone();
    let from = configured.unwrap_or_else(|| format!("Tessera <no-reply@{}>", env.public_url.host_str().unwrap_or("localhost")));
    from.parse().map_err(|_| format!("the sender {from} is not an email address (set TESSERA_SMTP_FROM)"))
}
