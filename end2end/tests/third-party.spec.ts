// Third-party applications, as a partner's or an AI agent's client meets them: the admin
// switches Dynamic Client Registration on in Settings; the npm `openid-client` registers itself
// (RFC 7591), signs a user in through a connection promoted to domain level after the user
// consents, gets an ID token with no profile claims for scope=openid, and is refused a
// connection that is not promoted. The user's page lists the consent, and Revoke withdraws it.
import { expect, test } from "@playwright/test";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { api, CALLBACK, discoveryConnection } from "../support/applications";
import { OP_CLIENTS } from "../support/identity-providers";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";

test("a client registers itself, is refused an unpromoted connection, and signs a user in through a domain-level one after consent", async ({ page, browser }) => {
  const { baseURL } = serverState();

  // The admin switches Dynamic Client Registration on.
  await signIn(page, "/settings");
  await hydrated(page);
  const toggle = page.getByLabel("OIDC Dynamic Application Registration");
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Dynamic Client Registration is on")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Registration endpoint" })).toHaveValue(`${baseURL}/oidc/register`);
  await page.screenshot({ path: screenshotPath("settings-dynamic-registration"), fullPage: true });

  const promoted = await discoveryConnection("e2e-domain-level", { type: "back_channel", client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret });
  await api("PATCH", `/connections/${promoted.id}`, { is_domain_connection: true, display_name: "Partner SSO" });
  await discoveryConnection("e2e-not-promoted", { type: "back_channel", client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret });

  // openid-client, unmodified, registers through the registration_endpoint discovery advertises.
  const config = await client.dynamicClientRegistration(new URL(`${baseURL}/`),
    { client_name: "Partner Agent", redirect_uris: [CALLBACK], token_endpoint_auth_method: "client_secret_basic" }, undefined,
    { execute: [client.allowInsecureRequests] });
  const clientId = config.clientMetadata().client_id;
  expect((await api("GET", `/clients/${clientId}`)).is_first_party).toBe(false);

  const verifier = client.randomPKCECodeVerifier();
  const authorizeUrl = async (connection: string, state: string) => client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", connection }).href;

  // A fresh browser for the user.
  const context = await browser.newContext();
  const user = await context.newPage();
  let landed = "";
  await user.route(`${CALLBACK}**`, async (route) => { landed = route.request().url(); await route.fulfill({ status: 200, body: "Back at the partner" }); });
  // (A redirect chain that page.goto started ends outside routes: its last request is read.)
  user.on("request", (r) => { if (r.url().startsWith(CALLBACK)) landed = r.url(); });

  // Not promoted to domain level: refused, back at the client with the reason.
  await user.goto(await authorizeUrl("e2e-not-promoted", "s0")).catch(() => null);
  await expect.poll(() => landed).toContain("error=");
  expect(new URL(landed).searchParams.get("error_description")).toContain("not promoted to domain level");
  await user.waitForURL(/chrome-error|app\.example\.test/).catch(() => null);
  await user.goto("about:blank");

  // Promoted: the user signs in at the IdP, then consents.
  await user.goto(await authorizeUrl("e2e-domain-level", "s1"));
  await user.locator("input[name=login]").fill("pat");
  await user.locator("input[name=password]").fill("x");
  await user.locator("button[type=submit]").click();
  await expect(user.getByRole("heading", { name: "Partner Agent wants to access your account" })).toBeVisible();
  await expect(user.getByRole("list", { name: "Permissions asked for" })).toContainText("Know who you are");
  await user.screenshot({ path: screenshotPath("consent"), fullPage: true });
  await user.getByRole("button", { name: "Allow" }).click();
  await expect(user.getByText("Back at the partner")).toBeVisible();
  const tokens = await client.authorizationCodeGrant(config, new URL(landed), { pkceCodeVerifier: verifier, expectedState: "s1" });
  const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${baseURL}/.well-known/jwks.json`)), { issuer: `${baseURL}/`, audience: clientId });
  expect(payload.sub).toBe("oidc|e2e-domain-level|pat");
  for (const claim of ["email", "name", "groups", "roles", "department"]) expect(payload[claim], claim).toBeUndefined();

  // The second time, the single sign-on session and the consent answer at once.
  await user.goto(await authorizeUrl("e2e-domain-level", "s2")).catch(() => null);
  await expect.poll(() => landed).toContain("state=s2");
  expect(new URL(landed).searchParams.get("code")).toBeTruthy();
  await context.close();

  // The admin sees the consent on the user's page, and revokes it.
  await page.goto(`/users/${encodeURIComponent("oidc|e2e-domain-level|pat")}`);
  await hydrated(page);
  const grant = page.getByTestId("grant");
  await expect(grant).toContainText("Partner Agent");
  await expect(grant).toContainText("openid");
  await page.screenshot({ path: screenshotPath("user-authorized-applications"), fullPage: true });
  await page.getByRole("button", { name: "Revoke Partner Agent" }).click();
  await expect(page.getByText("No third-party application is authorized.")).toBeVisible();
  expect(await api("GET", `/grants?user_id=${encodeURIComponent("oidc|e2e-domain-level|pat")}`)).toEqual([]);

  // The registered application's page says who owns it.
  await page.goto(`/applications/${clientId}`);
  await hydrated(page);
  await expect(page.getByTestId("third-party")).toContainText("This application is owned by a third party");
  await page.screenshot({ path: screenshotPath("application-third-party") });

  // Switched off again, so the suite's other specs see the default.
  await page.goto("/settings");
  await hydrated(page);
  await page.getByLabel("OIDC Dynamic Application Registration").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Dynamic Client Registration is off")).toBeVisible();
});
