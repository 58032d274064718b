//! Whether a connection can sign anyone in yet. Auth0's own request "Use Back Channel specifying
//! issuer settings" creates a back-channel connection without a client secret; Tessera creates it
//! too, and says it is not ready (in the answer, the list, the connection page, Try and every
//! sign-in) until the missing piece is given.

use super::options::{Channel, OptionsView, TokenEndpointAuthMethod};
use super::Strategy;

/// What the connection still lacks, as one sentence naming the field; `None` when it is ready.
pub fn not_ready(strategy: Strategy, options: &OptionsView) -> Option<String> {
    let uses_secret = matches!(options.token_endpoint_auth_method, TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic);
    if options.channel == Channel::BackChannel && uses_secret && !options.client_secret_set {
        let who = match strategy {
            Strategy::Okta => "Okta",
            Strategy::Oidc => "the identity provider",
        };
        return Some(format!(
            "options.client_secret is missing: a back-channel connection authenticates to {who}'s token endpoint with {}, so it needs the Client Secret (or another token_endpoint_auth_method)",
            options.token_endpoint_auth_method.as_str()
        ));
    }
    if options.channel == Channel::BackChannel && options.token_endpoint.as_deref().is_none_or(str::is_empty) {
        return Some("options.token_endpoint is missing: a back-channel connection exchanges the code there".into());
    }
    None
}
