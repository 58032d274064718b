// Tessera as a complete OpenID Provider, checked by relying-party code not written here: the npm
// `openid-client` uses every grant Tessera's discovery document offers (authorization code with
// private_key_jwt and with an ES256 ID token, implicit ID token by form_post, client
// credentials), `jose` verifies back-channel logout tokens as an application must, and the Auth0
// Node SDK drives the Management API with a client-credentials token from Tessera.
import { expect, test, type Browser } from "@playwright/test";
import * as client from "openid-client";
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { ManagementClient } from "auth0";
import { createServer } from "node:http";
import { serverState } from "../support/tessera";
import { api, application, browseToCallback, CALLBACK, discoveryConnection } from "../support/applications";
import { OP_CLIENTS } from "../support/identity-providers";

const insecure = { execute: [client.allowInsecureRequests] };

async function postConnection(name: string) {
  return discoveryConnection(name, { type: "back_channel", client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret });
}

/** Runs the code flow in a fresh browser for `config`; returns openid-client's token response. */
async function codeFlow(browser: Browser, config: client.Configuration, connection: string, login: string, scope = "openid email profile") {
  const verifier = client.randomPKCECodeVerifier();
  const [state, nonce] = [client.randomState(), client.randomNonce()];
  const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, state, nonce, connection,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
  const context = await browser.newContext();
  const landed = await browseToCallback(await context.newPage(), url.href, login);
  await context.close();
  return client.authorizationCodeGrant(config, new URL(landed.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
}

test.describe("openid-client against every grant Tessera offers", () => {
  test("the discovery document lists what the token endpoint does", async () => {
    const { baseURL } = serverState();
    const config = await client.discovery(new URL(`${baseURL}/`), "any", undefined, undefined, insecure);
    const meta = config.serverMetadata();
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials", "implicit"]));
    expect(meta.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]));
    expect(meta.id_token_signing_alg_values_supported).toEqual(["RS256", "ES256"]);
    expect(meta.response_modes_supported).toEqual(expect.arrayContaining(["query", "form_post"]));
    expect(meta.backchannel_logout_supported).toBe(true);
  });

  test("authorization code with private_key_jwt client authentication and an ES256 ID token", async ({ browser }) => {
    const { baseURL } = serverState();
    const connection = await postConnection("e2e-pkjwt-app");
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "app-key", alg: "ES256", use: "sig" };
    const app = await application("Key Client", connection.id, { token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [jwk] },
      id_token_signed_response_alg: "ES256" });
    const config = await client.discovery(new URL(`${baseURL}/`), app.client_id, { id_token_signed_response_alg: "ES256" },
      client.PrivateKeyJwt({ key: privateKey, kid: "app-key" }), insecure);
    const tokens = await codeFlow(browser, config, "e2e-pkjwt-app", "kim");
    const claims = tokens.claims()!;
    expect(claims.sub).toBe("oidc|e2e-pkjwt-app|kim");
    expect(JSON.parse(Buffer.from(tokens.id_token!.split(".")[0], "base64url").toString()).alg).toBe("ES256");
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo.email).toBe("kim@example.test");
    // The same assertion is not accepted twice: openid-client makes a fresh one per request, so
    // refresh works while a replayed one would not (tested in Rust).
    await client.tokenRevocation(config, tokens.access_token);
    await expect(client.fetchUserInfo(config, tokens.access_token, claims.sub)).rejects.toThrow();
  });

  test("implicit: response_type=id_token answered by form_post, verified by openid-client", async ({ browser }) => {
    const { baseURL } = serverState();
    const connection = await postConnection("e2e-implicit");
    const app = await application("Implicit Client", connection.id, { grant_types: ["implicit"], token_endpoint_auth_method: "client_secret_post" });
    const config = await client.discovery(new URL(`${baseURL}/`), app.client_id, app.client_secret, undefined,
      { execute: [client.allowInsecureRequests, client.useIdTokenResponseType] });
    const [state, nonce] = [client.randomState(), client.randomNonce()];
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid email", state, nonce, response_mode: "form_post",
      connection: "e2e-implicit" });
    const context = await browser.newContext();
    const landed = await browseToCallback(await context.newPage(), url.href, "ivy");
    await context.close();
    expect(landed.method).toBe("POST");
    const request = new Request(CALLBACK, { method: "POST", body: landed.body!, headers: { "content-type": "application/x-www-form-urlencoded" } });
    const claims = await client.implicitAuthentication(config, request, nonce, { expectedState: state });
    expect(claims).toMatchObject({ sub: "oidc|e2e-implicit|ivy", email: "ivy@example.test", nonce });
  });

  test("client credentials for a machine-to-machine application, used on the Management API", async () => {
    const { baseURL } = serverState();
    const m2m = await api("POST", "/clients", { name: "CI robot", app_type: "non_interactive" });
    await api("POST", "/client-grants", { client_id: m2m.client_id, audience: `${baseURL}/api/v2/`, scope: ["read:connections"] });
    const config = await client.discovery(new URL(`${baseURL}/`), m2m.client_id, m2m.client_secret, undefined, insecure);
    const tokens = await client.clientCredentialsGrant(config, { audience: `${baseURL}/api/v2/` });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.scope).toBe("read:connections");
    const list = await fetch(`${baseURL}/api/v2/connections`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(list.status).toBe(200);
    const create = await fetch(`${baseURL}/api/v2/connections`, { method: "POST", headers: { authorization: `Bearer ${tokens.access_token}`,
      "content-type": "application/json" }, body: JSON.stringify({ strategy: "oidc", name: "m2m-refused", options: { type: "front_channel",
        issuer: "https://idp.example", authorization_endpoint: "https://idp.example/authorize", jwks_uri: "https://idp.example/jwks", client_id: "abc" } }) });
    expect(create.status).toBe(403);
    expect((await create.json()).message).toContain("create:connections");
  });
});

test("back-channel logout: RP-initiated logout in the browser reaches the application with a logout token it can verify", async ({ page }) => {
  const { baseURL } = serverState();
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => { received.push(new URLSearchParams(body).get("logout_token") ?? ""); res.writeHead(200).end(); });
  });
  await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", () => ok()));
  const port = (receiver.address() as any).port;
  try {
    const LOGGED_OUT = "https://app.example.test/logged-out";
    const connection = await postConnection("e2e-bcl");
    const app = await application("Logout Client", connection.id, { allowed_logout_urls: [LOGGED_OUT],
      backchannel_logout_uri: `http://127.0.0.1:${port}/backchannel-logout` });
    const config = await client.discovery(new URL(`${baseURL}/`), app.client_id, app.client_secret, undefined, insecure);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid email", state: "s", nonce: "n",
      connection: "e2e-bcl", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const landed = await browseToCallback(page, url.href, "lee");
    const tokens = await client.authorizationCodeGrant(config, new URL(landed.url), { pkceCodeVerifier: verifier, expectedState: "s", expectedNonce: "n" });
    const sid = tokens.claims()!.sid;

    // The application's host does not exist here: the browser's request to it is what is checked.
    const toApplication = page.waitForRequest((r) => r.url().startsWith(LOGGED_OUT));
    await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT }).href).catch(() => {});
    await toApplication;
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    const jwks = createRemoteJWKSet(new URL(`${baseURL}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(received[0], jwks, { issuer: `${baseURL}/`, audience: app.client_id, typ: "logout+jwt", maxTokenAge: "2 minutes" });
    expect(protectedHeader.typ).toBe("logout+jwt");
    expect(payload).toMatchObject({ sub: "oidc|e2e-bcl|lee", sid });
    expect(payload.events).toHaveProperty(["http://schemas.openid.net/event/backchannel-logout"]);
    expect(payload.nonce).toBeUndefined();
  } finally {
    receiver.close();
  }
});

test.describe("the Auth0 Node SDK with a client-credentials token from Tessera", () => {
  const DOMAIN = "tenant.tessera.test";
  const pointed: typeof fetch = (input: any, init?: any) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.replace(`https://${DOMAIN}`, serverState().baseURL), init);
  };

  test("ManagementClient (clientId, clientSecret) lists and creates connections; without delete:connections a delete is 403", async () => {
    const { baseURL, opIssuer } = serverState();
    const m2m = await api("POST", "/clients", { name: "SDK robot", app_type: "non_interactive" });
    await api("POST", "/client-grants", { client_id: m2m.client_id, audience: `${baseURL}/api/v2/`,
      scope: ["read:connections", "create:connections", "update:connections"] });
    const mgmt = new ManagementClient({ domain: DOMAIN, clientId: m2m.client_id, clientSecret: m2m.client_secret,
      audience: `${baseURL}/api/v2/`, fetch: pointed } as any);
    const created = await mgmt.connections.create({ name: "sdk-m2m", strategy: "oidc", options: { type: "back_channel",
      discovery_url: `${opIssuer}/.well-known/openid-configuration`, client_id: "sdk-m2m", client_secret: "sdk-m2m-secret" } } as any);
    expect(created.id).toMatch(/^con_/);
    const listed = await mgmt.connections.list({ name: "sdk-m2m" } as any);
    expect(listed.data.map((c: any) => c.name)).toEqual(["sdk-m2m"]);
    await expect(mgmt.connections.delete(created.id!)).rejects.toMatchObject({ statusCode: 403 });
    // The connection is still there.
    expect((await mgmt.connections.get(created.id!)).name).toBe("sdk-m2m");
  });
});
