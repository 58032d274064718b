// Connected accounts and the token vault, end to end: a user signs in through a connection with
// Purpose "both" to the suite's OpenID Provider (which issues refresh tokens, and access tokens
// that live 10 s); the application, an `openid-client` relying party, exchanges its Tessera
// refresh token for the provider's access token with Auth0's Token Vault grant and calls the
// provider's protected userinfo endpoint with it; once that token expires the exchange refreshes
// it at the provider. Disconnect on the user's page, Global Token Revocation (a request signed as
// the provider) and SCIM deactivation each forget it, and the exchange then fails with the named
// error. Then Auth0's own `@auth0/auth0-auth-js`, unmodified, signs in
// through a second Tessera behind an https proxy and calls getTokenForConnection.
import { expect, test } from "@playwright/test";
import { importJWK, SignJWT } from "jose";
import { resolve } from "node:path";
import { api, application, CALLBACK, discoveryConnection, signInThrough } from "../support/applications";
import { run } from "../support/auth0-tools";
import { cliToken, httpsProxy, startTessera } from "../support/instance";
import { OP_CLIENTS, VAULT_ACCESS_TTL_S } from "../support/identity-providers";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";

const GRANT = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";

async function exchange(app: { client_id: string; client_secret: string }, refreshToken: string, connection: string) {
  const { baseURL } = serverState();
  const res = await fetch(`${baseURL}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: GRANT, subject_token: refreshToken, subject_token_type: "urn:ietf:params:oauth:token-type:refresh_token",
      requested_token_type: "http://auth0.com/oauth/token-type/federated-connection-access-token", connection,
      client_id: app.client_id, client_secret: app.client_secret }),
  });
  return { status: res.status, body: await res.json() as Record<string, any> };
}

/** The provider's protected userinfo endpoint, called with its own access token. */
async function idpUserinfo(accessToken: string) {
  const { opIssuer } = serverState();
  const res = await fetch(`${opIssuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, body: res.status === 200 ? await res.json() as Record<string, any> : null };
}

test("an application calls the identity provider's API with the user's connected account, refreshed when expired, until disconnected or deactivated", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const connection = await discoveryConnection("e2e-vault", { type: "back_channel", client_id: OP_CLIENTS.vault.id,
    client_secret: OP_CLIENTS.vault.secret, purpose: "both" });
  const app = await application("Vault App", connection.id, { grant_types: ["authorization_code", "refresh_token", GRANT] });

  const userPage = await browser.newPage();
  const { tokens } = await signInThrough(userPage, "e2e-vault", app, "vera", "openid email profile offline_access");
  await userPage.close();
  expect(tokens.refresh_token).toBeTruthy();

  // The provider's access token, usable at the provider.
  const first = await exchange(app, tokens.refresh_token!, "e2e-vault");
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  expect(first.body.issued_token_type).toBe("http://auth0.com/oauth/token-type/federated-connection-access-token");
  expect((await idpUserinfo(first.body.access_token)).body?.sub).toBe("vera");

  // Expired at the provider: the exchange refreshes it there and hands out a new one.
  await new Promise((ok) => setTimeout(ok, (VAULT_ACCESS_TTL_S - 3) * 1000));
  const second = await exchange(app, tokens.refresh_token!, "e2e-vault");
  expect(second.status, JSON.stringify(second.body)).toBe(200);
  expect(second.body.access_token).not.toBe(first.body.access_token);
  expect((await idpUserinfo(second.body.access_token)).status).toBe(200);

  // The user's page lists the connected account; Disconnect forgets it.
  const userId = "oidc|e2e-vault|vera";
  await signIn(page, `/users/${encodeURIComponent(userId)}`);
  await hydrated(page);
  const row = page.getByTestId("connected-account");
  await expect(row).toContainText("e2e-vault");
  await expect(row).not.toContainText("Never");
  await page.screenshot({ path: screenshotPath("user-connected-accounts"), fullPage: true });
  await page.getByRole("button", { name: "Disconnect e2e-vault" }).click();
  await expect(page.getByText("No connected accounts.")).toBeVisible();
  const gone = await exchange(app, tokens.refresh_token!, "e2e-vault");
  expect(gone.status).toBe(401);
  expect(gone.body.error).toBe("federated_connection_refresh_token_not_found");

  // Connected again by a new sign-in; Global Token Revocation from the provider forgets it.
  const relogin = async () => {
    const fresh = await browser.newPage();
    const { tokens } = await signInThrough(fresh, "e2e-vault", app, "vera", "openid email profile offline_access");
    await fresh.close();
    expect((await exchange(app, tokens.refresh_token!, "e2e-vault")).status).toBe(200);
    return tokens;
  };
  const beforeRevocation = await relogin();
  const { opIssuer, opSigningKey } = serverState();
  const endpoint = `${serverState().baseURL}/global-token-revocation/${connection.id}`;
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ jti: `gtr-${now}` }).setProtectedHeader({ alg: "RS256", kid: opSigningKey.kid })
    .setIssuer(opIssuer).setAudience(endpoint).setIssuedAt(now).setExpirationTime(now + 60).sign(await importJWK(opSigningKey, "RS256"));
  const revoked = await fetch(endpoint, { method: "POST", headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: JSON.stringify({ sub_id: { format: "iss_sub", iss: opIssuer, sub: "vera" } }) });
  expect(revoked.status, await revoked.text()).toBeLessThan(300);
  const afterRevocation = await exchange(app, beforeRevocation.refresh_token!, "e2e-vault");
  expect(afterRevocation.status).toBe(400);
  expect(afterRevocation.body.error).toBe("invalid_grant");
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("No connected accounts.")).toBeVisible();

  // Connected again; SCIM deactivation forgets it too.
  const second_login = { tokens: await relogin() };
  const { baseURL } = serverState();
  await api("POST", `/connections/${connection.id}/scim-configuration`, {});
  const created = await api("POST", `/connections/${connection.id}/scim-configuration/tokens`, {});
  const users = await (await fetch(`${baseURL}/scim/v2/${connection.id}/Users?filter=${encodeURIComponent('userName eq "vera@example.test"')}`,
    { headers: { authorization: `Bearer ${created.token}` } })).json() as any;
  const scimId = users.Resources?.[0]?.id;
  expect(scimId, JSON.stringify(users)).toBeTruthy();
  const patched = await fetch(`${baseURL}/scim/v2/${connection.id}/Users/${scimId}`, { method: "PATCH",
    headers: { authorization: `Bearer ${created.token}`, "content-type": "application/scim+json" },
    body: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] }) });
  expect(patched.status).toBeLessThan(300);
  // The user's Tessera tokens are revoked with the vault: the subject token itself is refused.
  const deactivated = await exchange(app, second_login.tokens.refresh_token!, "e2e-vault");
  expect(deactivated.status).toBe(400);
  expect(deactivated.body.error).toBe("invalid_grant");
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("No connected accounts.")).toBeVisible();
});

test("Auth0's own auth-js gets a connected account's token from Tessera with getTokenForConnection, unmodified", async ({ browser }) => {
  test.setTimeout(120_000);
  const { vaultProxyPort, opIssuer } = serverState();
  const domain = `127.0.0.1:${vaultProxyPort}`;
  const tessera = await startTessera({ publicURL: `https://${domain}` });
  const proxy = await httpsProxy(tessera.baseURL, vaultProxyPort);
  try {
    const token = cliToken(tessera, "vault-setup");
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${tessera.baseURL}/api/v2${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const connection = await call("POST", "/connections", { strategy: "oidc", name: "vault-b", options: { type: "back_channel",
      discovery_url: `${opIssuer}/.well-known/openid-configuration`, client_id: OP_CLIENTS.vault.id, client_secret: OP_CLIENTS.vault.secret,
      scope: "openid email profile", purpose: "both" } });
    const app = await call("POST", "/clients", { name: "auth-js App", app_type: "regular_web", callbacks: [CALLBACK],
      grant_types: ["authorization_code", "refresh_token", GRANT] });
    await call("PATCH", `/connections/${connection.id}/clients`, [{ client_id: app.client_id, status: true }]);

    const env = { ...process.env, NODE_EXTRA_CA_CERTS: proxy.certPath };
    const script = resolve(import.meta.dirname, "..", "support", "auth0_auth_js.mjs");
    const args = [script, "", domain, app.client_id, app.client_secret, CALLBACK, "vault-b"];
    args[1] = "authorize";
    const started = await run(process.execPath, args, { env });
    expect(started.code, started.stderr).toBe(0);
    const { url, codeVerifier } = JSON.parse(started.stdout.trim().split("\n").pop()!);

    // The user signs in in the browser (which trusts the throw-away certificate).
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    let landed = "";
    await page.route(`${CALLBACK}**`, async (route) => { landed = route.request().url(); await route.fulfill({ status: 200, body: "Back at the application" }); });
    await page.goto(url);
    await page.locator("input[name=login]").fill("willa");
    await page.locator("input[name=password]").fill("x");
    await page.locator("button[type=submit]").click();
    await expect(page.getByText("Back at the application")).toBeVisible();
    await context.close();

    args[1] = "exchange";
    const exchanged = await run(process.execPath, [...args, landed, codeVerifier], { env });
    expect(exchanged.code, exchanged.stderr).toBe(0);
    const { hadRefreshToken, vault } = JSON.parse(exchanged.stdout.trim().split("\n").pop()!);
    expect(hadRefreshToken).toBe(true);
    expect(vault.accessToken).toBeTruthy();
    expect((await idpUserinfo(vault.accessToken)).body?.sub).toBe("willa");
  } finally {
    proxy.close();
    tessera.stop();
  }
});
