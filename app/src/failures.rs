//! A failed sign-in's named reason and what the admin should check. The sign-in log stores the
//! reason as a sentence; the reason's name (`code`) labels the metrics and the JSON log lines,
//! and `check` is the fix the Logs page shows beside the failure. Isomorphic: the Logs page
//! renders the hint without asking the server.

/// One kind of failure: a stable name and what to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureReason {
    pub code: &'static str,
    pub check: &'static str,
}

const fn reason(code: &'static str, check: &'static str) -> FailureReason {
    FailureReason { code, check }
}

/// Matched in order: the first rule whose every word is in the sentence names it.
const RULES: &[(&[&str], FailureReason)] = &[
    (&["state is unknown"], reason("state_unknown", "The sign-in was finished twice or never started here: the user should start again from the application. If it repeats, check that the identity provider's redirect URI is this Tessera's /login/callback and that the user is not reusing a bookmarked callback URL.")),
    (&["state expired"], reason("state_expired", "The user took longer than 10 minutes at the identity provider: they should start again. If it repeats, check the identity provider's sign-in page for an extra step (MFA enrollment, a consent screen) that holds users up.")),
    (&["another browser"], reason("browser_mismatch", "The login cookie was missing at the callback: check that TESSERA_PUBLIC_URL is the address users actually visit (same scheme and host) and that the browser accepts cookies.")),
    (&["answered error=access_denied"], reason("idp_access_denied", "The identity provider refused the user: check that the user is assigned to the application in the identity provider (Okta: Assignments tab).")),
    (&["answered error="], reason("idp_error", "The identity provider answered with an error: read its error_description above and the identity provider's own system log.")),
    (&["token endpoint", "401"], reason("client_auth_failed", "The identity provider did not accept the connection's client credentials: check the Client ID and Client Secret (or private key) on the connection's Settings tab.")),
    (&["invalid_client"], reason("client_auth_failed", "The identity provider did not accept the connection's client credentials: check the Client ID and Client Secret (or private key) on the connection's Settings tab.")),
    (&["client credentials are missing"], reason("client_auth_failed", "The connection has no usable client secret: set the Client Secret again on the connection's Settings tab.")),
    (&["invalid_grant"], reason("code_rejected", "The identity provider refused the authorization code: check that the callback URL registered there is exactly this Tessera's /login/callback and that the code was not used twice.")),
    (&["token endpoint could not be reached"], reason("idp_unreachable", "Tessera could not reach the identity provider's token endpoint: check the connection's Issuer URL and that this server can reach it (DNS, firewall, proxy).")),
    (&["token endpoint"], reason("token_exchange_failed", "The identity provider's token endpoint did not return an ID token: check the connection's Client ID, Client Secret and Issuer URL.")),
    (&["JWKS"], reason("signing_keys", "The ID token's signing key was not found: check the identity provider's jwks_uri in the connection's discovery document and that the provider publishes its current key.")),
    (&["signature"], reason("signature_invalid", "The ID token's signature did not verify: check that the connection's Issuer URL is the provider that signs its tokens, then click Refresh discovery on its Settings tab.")),
    (&["signing algorithm"], reason("algorithm_not_allowed", "The ID token is signed with an algorithm Tessera refuses: configure the identity provider to sign ID tokens with RS256 or ES256.")),
    (&["alg"], reason("algorithm_not_allowed", "The ID token is signed with an algorithm Tessera refuses: configure the identity provider to sign ID tokens with RS256 or ES256.")),
    (&["iss "], reason("issuer_mismatch", "The ID token's issuer is not the connection's: check the connection's Issuer URL (for a multi-tenant provider, the tenant part).")),
    (&["aud "], reason("audience_mismatch", "The ID token was issued to another client: check the connection's Client ID.")),
    (&["azp"], reason("audience_mismatch", "The ID token was issued to another client: check the connection's Client ID.")),
    (&["nonce"], reason("nonce_mismatch", "The ID token does not answer this sign-in: the user should start again; if it repeats, the identity provider is replaying old tokens.")),
    (&["has expired"], reason("token_expired", "The ID token had already expired: check the clocks of this server and of the identity provider (NTP).")),
    (&["userinfo"], reason("userinfo_failed", "The identity provider's userinfo endpoint failed: check that the connection's scopes include openid and profile and that the endpoint is reachable.")),
    (&["no id_token"], reason("response_incomplete", "The identity provider's answer lacked the ID token: check the connection's Type (back channel needs a Client Secret; front channel needs the implicit id_token flow enabled at the provider).")),
    (&["no code"], reason("response_incomplete", "The identity provider's answer lacked the code: check that the application at the identity provider allows the authorization code flow.")),
    (&["deleted by"], reason("user_deprovisioned", "The user was deleted by SCIM provisioning from the identity provider: assign them again there.")),
    (&["deactivated"], reason("user_deprovisioned", "The user was deactivated by SCIM provisioning from the identity provider: reactivate them there.")),
    (&["consent denied"], reason("consent_denied", "The user chose not to allow the application: nothing to fix unless the application asks for more than it needs.")),
    (&["connection was deleted"], reason("connection_deleted", "The connection was deleted while the user was signing in.")),
    (&["Token Vault"], reason("token_vault_refresh", "The identity provider refused to refresh a connected account: the user should connect the account again.")),
];

const OTHER: FailureReason = reason("other", "Read the sentence above; the connection's Settings tab and the identity provider's own log usually name the cause.");

/// The named reason of a failure's sentence.
pub fn classify(description: &str) -> FailureReason {
    RULES
        .iter()
        .find(|(words, _)| words.iter().all(|w| description.contains(w)))
        .map(|(_, r)| *r)
        .unwrap_or(OTHER)
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn the_sentences_sign_ins_write_have_their_names() {
        let cases = [
            ("the state is unknown or was already used (start the sign-in again)", "state_unknown"),
            ("the sign-in took longer than 10 minutes (the state expired)", "state_expired"),
            ("the sign-in was started in another browser (the login cookie is missing or different)", "browser_mismatch"),
            ("the identity provider answered error=access_denied: User is not assigned", "idp_access_denied"),
            ("the identity provider answered error=server_error", "idp_error"),
            ("the IdP's token endpoint answered 401 invalid_client", "client_auth_failed"),
            ("the IdP's token endpoint answered 400 invalid_grant: used", "code_rejected"),
            ("the IdP's token endpoint could not be reached: connection refused", "idp_unreachable"),
            ("the ID token's signature does not verify: bad", "signature_invalid"),
            ("no key in the IdP's JWKS matches the ID token's kid (even after fetching it again)", "signing_keys"),
            ("the ID token's iss \"https://a\" is not the connection's issuer \"https://b\"", "issuer_mismatch"),
            ("the ID token's aud does not contain the client id: x", "audience_mismatch"),
            ("the ID token's nonce does not match the login: x", "nonce_mismatch"),
            ("the ID token has expired (exp): x", "token_expired"),
            ("the user is deactivated: the identity provider's SCIM provisioning turned them off", "user_deprovisioned"),
            ("The user did not allow the application (consent denied)", "consent_denied"),
            ("something new", "other"),
        ];
        for (sentence, code) in cases {
            assert_eq!(classify(sentence).code, code, "{sentence}");
        }
    }
}
