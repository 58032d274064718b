//! An organization's email domains. The admin adds a domain verified, or pending: then the
//! organization proves it controls the domain with a DNS TXT record at
//! `_tessera-challenge.{domain}` holding the domain's `verification_txt`, looked up through the
//! resolver `TESSERA_DNS_RESOLVER` names (the system's otherwise). A verified domain belongs to
//! one organization; a pending claim holds nothing (several organizations may claim a domain
//! until one proves it), and an organization may have at most [`MAX_PENDING`] pending at once.
//! Only verified domains send users anywhere (home realm discovery) or vouch for emails.

use crate::backend::error::Resource;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::dns::{DnsError, TxtResolver};
use crate::backend::store::is_unique_violation;
use crate::backend::{AppState, Error, Result};
use crate::organizations::{check_domain, verification_host, DomainStatus, OrganizationDomain};

type Row = (String, String, String, String);

fn from_row((id, domain, status, verification_txt): Row) -> OrganizationDomain {
    OrganizationDomain {
        verification_host: verification_host(&domain),
        status: if status == "verified" { DomainStatus::Verified } else { DomainStatus::Pending },
        id,
        domain,
        verification_txt,
    }
}

fn not_found() -> Error {
    Error::not_found(Resource::Domain, "The organization has no such domain.")
}

/// The resolver domain checks use.
pub fn resolver(state: &AppState) -> TxtResolver {
    match state.env.dns_resolver {
        Some(addr) => TxtResolver::at(addr),
        None => TxtResolver::system(),
    }
}

pub async fn list(state: &AppState, organization_id: &str) -> Result<Vec<OrganizationDomain>> {
    super::get(state, organization_id).await?;
    let rows: Vec<Row> = state.db.fetch_all(
        "SELECT id, domain, status, verification_txt FROM organization_domains WHERE organization_id = $1 ORDER BY domain",
        &[organization_id.into()],
    ).await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub async fn get(state: &AppState, organization_id: &str, id: &str) -> Result<OrganizationDomain> {
    let row: Option<Row> = state.db.fetch_optional(
        "SELECT id, domain, status, verification_txt FROM organization_domains WHERE id = $1 AND organization_id = $2",
        &[id.into(), organization_id.into()],
    ).await?;
    row.map(from_row).ok_or_else(not_found)
}

/// Pending domains an organization may hold at once (a setup link's holder adds them).
pub const MAX_PENDING: i64 = 20;

/// The organization that verified `domain`, if one did.
async fn verified_owner(state: &AppState, domain: &str) -> Result<Option<String>> {
    Ok(state.db.fetch_optional_scalar(
        "SELECT organization_id FROM organization_domains WHERE domain = $1 AND status = 'verified'",
        &[domain.into()],
    ).await?)
}

fn taken() -> Error {
    Error::conflict(Resource::Domain, "domain", "is verified by another organization (a verified domain belongs to one)")
}

/// Adds `domain` to the organization: `verified` when the admin vouches for it, else pending
/// until its TXT record is found. A domain another organization verified, or one this
/// organization already has, is a 409; a pending domain past [`MAX_PENDING`] a 400.
pub async fn add(state: &AppState, organization_id: &str, domain: &str, verified: bool) -> Result<OrganizationDomain> {
    super::get(state, organization_id).await?;
    let domain = check_domain(domain).map_err(|f| Error::Invalid { fields: vec![f] })?;
    if verified_owner(state, &domain).await?.is_some_and(|owner| owner != organization_id) {
        return Err(taken());
    }
    if !verified {
        let pending: i64 = state.db.fetch_scalar(
            "SELECT COUNT(*) FROM organization_domains WHERE organization_id = $1 AND status = 'pending'",
            &[organization_id.into()],
        ).await?;
        if pending >= MAX_PENDING {
            return Err(Error::invalid("domain", format!("an organization may have at most {MAX_PENDING} pending domains: verify or remove one first")));
        }
    }
    let id = format!("dom_{}", random_alphanumeric(16));
    let txt = format!("tessera-domain-verification={}", random_alphanumeric(32));
    let now = state.clock.now_ms();
    state.db.execute("INSERT INTO organization_domains (id, domain, organization_id, status, verification_txt, verified_by, created_at, verified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &[(&id).into(), (&domain).into(), organization_id.into(), (if verified { "verified" } else { "pending" }).into(), (&txt).into(), (verified.then_some("admin")).into(), now.into(), (verified.then_some(now)).into()]).await
    .map_err(|e| match is_unique_violation(&e) {
        // Either this organization has it already, or another verified it a moment ago.
        true => Error::conflict(Resource::Domain, "domain", "is already one of this organization's domains, or verified by another"),
        false => e.into(),
    })?;
    if verified {
        forget_other_claims(state, organization_id, &domain).await?;
    }
    tracing::info!(organization_id, %domain, verified, "organization domain added");
    get(state, organization_id, &id).await
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Verified(OrganizationDomain),
    /// Not verified: the reason, in words for the IT admin.
    NotYet(String),
}

/// Looks the domain's TXT record up and marks it verified when it holds `verification_txt`.
pub async fn verify(state: &AppState, organization_id: &str, id: &str) -> Result<Verification> {
    let domain = get(state, organization_id, id).await?;
    if domain.status == DomainStatus::Verified {
        return Ok(Verification::Verified(domain));
    }
    let host = &domain.verification_host;
    let found = match resolver(state).txt(host).await {
        Ok(values) => values,
        Err(DnsError::NotFound(_)) => return Ok(Verification::NotYet(format!("No TXT record was found at {host}. DNS changes can take a few minutes to appear."))),
        Err(e @ DnsError::Failed { .. }) => return Ok(Verification::NotYet(format!("{e}. Try again in a minute."))),
    };
    if !found.iter().any(|v| v.trim() == domain.verification_txt) {
        let seen = found.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
        return Ok(Verification::NotYet(format!("The TXT record at {host} does not hold the expected value (found {seen}).")));
    }
    let marked = state.db.execute(
        "UPDATE organization_domains SET status = 'verified', verified_by = 'dns', verified_at = $3 WHERE id = $1 AND organization_id = $2",
        &[id.into(), organization_id.into(), (state.clock.now_ms()).into()],
    ).await;
    match marked {
        Err(e) if is_unique_violation(&e) => return Ok(Verification::NotYet(format!("{} is already verified by another organization.", domain.domain))),
        other => other?,
    };
    forget_other_claims(state, organization_id, &domain.domain).await?;
    tracing::info!(organization_id, domain = %domain.domain, "organization domain verified by DNS");
    Ok(Verification::Verified(get(state, organization_id, id).await?))
}

/// Once `organization_id` verified `domain`, other organizations' pending claims of it can
/// never be verified: they go.
async fn forget_other_claims(state: &AppState, organization_id: &str, domain: &str) -> Result<()> {
    state.db.execute(
        "DELETE FROM organization_domains WHERE domain = $1 AND organization_id <> $2 AND status = 'pending'",
        &[domain.into(), organization_id.into()],
    ).await?;
    Ok(())
}

pub async fn remove(state: &AppState, organization_id: &str, id: &str) -> Result<()> {
    let n = state.db.execute("DELETE FROM organization_domains WHERE id = $1 AND organization_id = $2", &[id.into(), organization_id.into()]).await?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(())
}

/// Home realm discovery: the organization whose verified domains include the email's domain.
pub async fn organization_for_email(state: &AppState, email: &str) -> Result<Option<String>> {
    let Some((_, domain)) = email.rsplit_once('@') else { return Ok(None) };
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    Ok(state.db.fetch_optional_scalar(
        "SELECT organization_id FROM organization_domains WHERE domain = $1 AND status = 'verified'",
        &[(&domain).into()],
    ).await?)
}
