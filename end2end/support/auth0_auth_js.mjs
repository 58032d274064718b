// Auth0's own `@auth0/auth0-auth-js` (the AuthClient behind auth0-server-js and the SPA SDK),
// unmodified, against a Tessera behind an https proxy (it only speaks https and expects the
// issuer https://{domain}/). Run as a child process with NODE_EXTRA_CA_CERTS set to the proxy's
// certificate; prints one JSON line.
//   authorize DOMAIN CLIENT_ID CLIENT_SECRET REDIRECT_URI CONNECTION  → { url, codeVerifier }
//   exchange  DOMAIN CLIENT_ID CLIENT_SECRET REDIRECT_URI CONNECTION CALLBACK_URL CODE_VERIFIER
//             → the code's tokens, then getTokenForConnection with the refresh token
import { AuthClient } from "@auth0/auth0-auth-js";

const [mode, domain, clientId, clientSecret, redirectUri, connection, landed, codeVerifier] = process.argv.slice(2);
const auth = new AuthClient({ domain, clientId, clientSecret, authorizationParams: { redirect_uri: redirectUri } });
if (mode === "authorize") {
  const { authorizationUrl, codeVerifier: verifier } = await auth.buildAuthorizationUrl({
    authorizationParams: { redirect_uri: redirectUri, scope: "openid profile email offline_access", connection },
  });
  console.log(JSON.stringify({ url: authorizationUrl.href, codeVerifier: verifier }));
} else if (mode === "exchange") {
  const tokens = await auth.getTokenByCode(new URL(landed), { codeVerifier });
  const vault = await auth.getTokenForConnection({ connection, refreshToken: tokens.refreshToken });
  console.log(JSON.stringify({ hadRefreshToken: Boolean(tokens.refreshToken), vault }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
