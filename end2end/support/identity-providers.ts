// Identity providers for the browser tests, started by global-setup on free ports:
// - a real OpenID Provider (the npm `oidc-provider` package);
// - a small stand-in server for what a real provider will not serve on demand: an Okta-like
//   custom authorization server at /oauth2/default, a document without jwks_uri at /broken,
//   a slow but valid document at /slow, and nothing (404) anywhere else.
import Provider from "oidc-provider";
import { createServer, type Server } from "node:http";

/** The clients the suite's OpenID Provider knows: one per way Tessera authenticates to it. */
export const OP_CLIENTS = {
  post: { id: "tessera-post", secret: "post-secret-value" },
  basic: { id: "tessera-basic", secret: "basic-secret-value" },
  pkjwt: { id: "tessera-pkjwt" },
  front: { id: "tessera-front" },
  /** A connection for connected accounts: refresh tokens, and access tokens that live 10 s. */
  vault: { id: "tessera-vault", secret: "vault-secret-value" },
};

/** How long the vault client's access tokens live at the suite's provider. */
export const VAULT_ACCESS_TTL_S = 10;

export async function startOpenIdProvider(port: number, callbackUrl: string, pkjwtJwks?: unknown, vaultCallbackUrl?: string, signingKey?: unknown): Promise<{ issuer: string; close: () => void }> {
  const issuer = `http://127.0.0.1:${port}`;
  const code = { redirect_uris: [callbackUrl], grant_types: ["authorization_code"], response_types: ["code"] };
  const clients: any[] = [
    { client_id: "app", client_secret: "secret", ...code, grant_types: ["authorization_code", "refresh_token"] },
    { client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret, token_endpoint_auth_method: "client_secret_post", ...code },
    { client_id: OP_CLIENTS.basic.id, client_secret: OP_CLIENTS.basic.secret, token_endpoint_auth_method: "client_secret_basic", ...code },
    { client_id: OP_CLIENTS.vault.id, client_secret: OP_CLIENTS.vault.secret, token_endpoint_auth_method: "client_secret_post", ...code,
      redirect_uris: [callbackUrl, ...(vaultCallbackUrl ? [vaultCallbackUrl] : [])], grant_types: ["authorization_code", "refresh_token"] },
    // Front channel: the ID token comes back by form_post; a loopback redirect is allowed for native clients.
    { client_id: OP_CLIENTS.front.id, application_type: "native", token_endpoint_auth_method: "none", redirect_uris: [callbackUrl],
      grant_types: ["implicit"], response_types: ["id_token"] },
  ];
  if (pkjwtJwks) {
    clients.push({ client_id: OP_CLIENTS.pkjwt.id, token_endpoint_auth_method: "private_key_jwt", jwks: pkjwtJwks,
      token_endpoint_auth_signing_alg: "RS256", ...code });
  }
  const provider = new Provider(issuer, {
    clients,
    ...(signingKey ? { jwks: { keys: [signingKey] } } : {}),
    // `department` and `groups` exercise the connections' user mapping (use_map, bind_all).
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "department", "groups"] },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.test`, email_verified: true, name: `User ${id}`,
        department: "R&D", groups: ["engineering", "sso-admins"] }) }),
    // No consent screen: every client gets the scopes it asks for.
    loadExistingGrant: async (ctx: any) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true } },
    // The vault client always gets a refresh token, and access tokens short enough to expire
    // within a test (the others keep oidc-provider's defaults).
    issueRefreshToken: async (_ctx: unknown, client: any, code: any) =>
      client.clientId === OP_CLIENTS.vault.id || (client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access")),
    ttl: {
      AccessToken: (_ctx: unknown, token: any) => (token.clientId === OP_CLIENTS.vault.id ? VAULT_ACCESS_TTL_S : 3600),
    },
  });
  const server: Server = provider.listen(port, "127.0.0.1");
  await new Promise<void>((ok) => server.once("listening", () => ok()));
  return { issuer, close: () => server.close() };
}

function document(issuer: string, without: string[] = []) {
  const doc: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    jwks_uri: `${issuer}/v1/keys`,
    response_types_supported: ["code", "id_token", "code id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "profile", "email", "groups"],
  };
  for (const key of without) delete doc[key];
  return doc;
}

export async function startStandIn(port: number): Promise<{ base: string; close: () => void }> {
  const base = `http://127.0.0.1:${port}`;
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const wellKnown = "/.well-known/openid-configuration";
    if (!path.endsWith(wellKnown)) return send(404, { error: "not_found" });
    const prefix = path.slice(0, -wellKnown.length);
    if (prefix === "/oauth2/default") return send(200, document(`${base}/oauth2/default`));
    if (prefix === "/broken") return send(200, document(`${base}/broken`, ["jwks_uri"]));
    if (prefix === "/slow") return void setTimeout(() => send(200, document(`${base}/slow`)), 1500);
    return send(404, { error: "not_found" });
  });
  server.listen(port, "127.0.0.1");
  await new Promise<void>((ok) => server.once("listening", () => ok()));
  return { base, close: () => server.close() };
}
