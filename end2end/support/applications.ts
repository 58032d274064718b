// Applications at Tessera for the browser tests, and the sign-in an `openid-client` application
// does through a connection: shared by the sign-in, provider and SDK specs.
import { expect, type Page } from "@playwright/test";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { serverState, createViaApi } from "./tessera";

export const CALLBACK = "https://app.example.test/callback";

export async function api(method: string, path: string, body?: unknown): Promise<any> {
  const { baseURL, apiToken } = serverState();
  const res = await fetch(`${baseURL}/api/v2${path}`, {
    method, headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** An application registered at Tessera, with the connection enabled for it. */
export async function application(name: string, connectionId: string, extra: Record<string, unknown> = {}) {
  const app = await api("POST", "/clients", { name, app_type: "regular_web", callbacks: [CALLBACK], ...extra });
  // Auth0's enabled-clients endpoint (a PATCH of the connection itself would also reset its
  // display_name to the name when none is sent, as Auth0 documents).
  await api("PATCH", `/connections/${connectionId}/clients`, [{ client_id: app.client_id, status: true }]);
  return app as { client_id: string; client_secret: string };
}

export function discoveryConnection(name: string, options: Record<string, unknown>) {
  const { opIssuer } = serverState();
  return createViaApi({ strategy: "oidc", name, options: {
    discovery_url: `${opIssuer}/.well-known/openid-configuration`, scope: "openid email profile", ...options } });
}

/** Runs the application's whole sign-in in the browser; returns what the application verified. */
export async function signInThrough(page: Page, connectionName: string, app: { client_id: string; client_secret: string }, login: string,
  scope = "openid email profile") {
  const { baseURL } = serverState();
  const config = await client.discovery(new URL(`${baseURL}/`), app.client_id, app.client_secret, undefined,
    { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, scope, state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", connection: connectionName,
  });
  const landed = (await browseToCallback(page, url.href, login)).url;
  const tokens = await client.authorizationCodeGrant(config, new URL(landed), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  const jwks = createRemoteJWKSet(new URL(`${baseURL}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: `${baseURL}/`, audience: app.client_id, algorithms: ["RS256"] });
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, payload.sub!);
  return { payload, userinfo, tokens, config };
}


/** What reached the application's callback: the URL, and a form post's body. */
export interface CallbackRequest { url: string; method: string; body: string | null }

/** Sends the browser to `authorizeUrl`, signs in at the suite's OpenID Provider as `login`, and
 * answers the application's callback here (the browser never needs to reach it). */
export async function browseToCallback(page: Page, authorizeUrl: string, login: string): Promise<CallbackRequest> {
  let landed: CallbackRequest | null = null;
  await page.route(`${CALLBACK}**`, async (route) => {
    const r = route.request();
    landed = { url: r.url(), method: r.method(), body: r.postData() };
    await route.fulfill({ status: 200, contentType: "text/html", body: "<p>Back at the application</p>" });
  });
  await page.goto(authorizeUrl);
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any password");
  await page.locator("button[type=submit]").click();
  // oidc-provider asks a native (front-channel) client to confirm the grant every time.
  const back = page.getByText("Back at the application");
  const consent = page.getByRole("button", { name: "Continue" });
  // (Tessera's own form post page has a Continue button too, for browsers without JavaScript;
  // its script submits the form by itself, so only the IdP's button is clicked.)
  await expect(back.or(consent)).toBeVisible();
  const { opIssuer } = serverState();
  if (page.url().startsWith(opIssuer) && (await consent.isVisible())) await consent.click({ timeout: 5_000 }).catch(() => {});
  await expect(back).toBeVisible();
  await page.unroute(`${CALLBACK}**`);
  if (!landed) throw new Error("nothing reached the application's callback");
  return landed;
}
