// Signing in through a connection, end to end, with parts not written here: the application is
// the npm `openid-client` (a certified relying party) doing authorization code + PKCE against
// Tessera; the identity provider is the npm `oidc-provider` started by global setup; the browser
// is Chromium. Tessera's ID token is verified with Tessera's JWKS by `jose`.
import { expect, test, type Page } from "@playwright/test";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { serverState, screenshotPath, createViaApi, hydrated, signIn } from "../support/tessera";
import { api, application, CALLBACK, discoveryConnection, signInThrough } from "../support/applications";
import { OP_CLIENTS } from "../support/identity-providers";
import { freePort } from "../support/instance";
import { createServer } from "node:http";

test.describe("signing in to an application through a connection", () => {
  test("back channel with client_secret_post: openid-client gets Tessera's verified tokens and userinfo", async ({ page }) => {
    const connection = await discoveryConnection("e2e-back-post", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret, token_endpoint_auth_method: "client_secret_post",
      // The connection may vouch for emails in its Identity provider domains only.
      domain_aliases: ["example.test"] });
    const app = await application("Post App", connection.id);
    const { payload, userinfo } = await signInThrough(page, "e2e-back-post", app, "alice");
    expect(payload.sub).toBe("oidc|e2e-back-post|alice");
    expect(payload.email).toBe("alice@example.test");
    expect(payload.email_verified).toBe(true);
    expect(userinfo).toMatchObject({ sub: "oidc|e2e-back-post|alice", email: "alice@example.test", name: "User alice" });
  });

  test("each Connection Profile PKCE mode is what the IdP sees", async ({ browser }) => {
    // oidc-provider lists S256 only and refuses plain, which is how a plain challenge shows.
    // Each mode in a browser of its own: no single sign-on session at Tessera or the IdP.
    const { opIssuer, baseURL } = serverState();
    const watch = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const seen: string[] = [];
      page.on("request", (r) => {
        if (r.url().startsWith(`${opIssuer}/auth?`)) seen.push(new URL(r.url()).searchParams.get("code_challenge_method") ?? "none");
      });
      return { context, page, seen };
    };
    for (const [mode, expected] of [["S256", "S256"], ["disabled", "none"], ["auto", "S256"]]) {
      const name = `e2e-pkce-${mode.toLowerCase()}`;
      const connection = await discoveryConnection(name, { type: "back_channel", client_id: OP_CLIENTS.post.id,
        client_secret: OP_CLIENTS.post.secret, connection_settings: { pkce: mode } });
      const app = await application(`PKCE ${mode} App`, connection.id);
      const { context, page, seen } = await watch();
      const { payload } = await signInThrough(page, name, app, `pkce-${mode.toLowerCase()}`);
      expect(payload.sub).toBe(`oidc|${name}|pkce-${mode.toLowerCase()}`);
      expect(seen, `pkce ${mode}`).toEqual([expected]);
      await context.close();
    }
    const plain = await discoveryConnection("e2e-pkce-plain", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret, connection_settings: { pkce: "plain" } });
    const app = await application("PKCE plain App", plain.id);
    const { context, page, seen } = await watch();
    // One redirect chain ends at the application's callback with the IdP's refusal (routes do
    // not see the end of a chain that page.goto started, so the request itself is read).
    let landed = "";
    page.on("request", (r) => { if (r.url().startsWith(CALLBACK)) landed = r.url(); });
    await page.goto(`${baseURL}/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=openid&connection=e2e-pkce-plain`).catch(() => null);
    await expect.poll(() => landed).toContain("error=");
    expect(seen).toEqual(["plain"]);
    expect(new URL(landed).searchParams.get("error_description")).toContain("code_challenge_method");
    await context.close();
  });

  test("back channel with client_secret_basic", async ({ page }) => {
    const connection = await discoveryConnection("e2e-back-basic", { type: "back_channel", client_id: OP_CLIENTS.basic.id,
      client_secret: OP_CLIENTS.basic.secret, token_endpoint_auth_method: "client_secret_basic" });
    const app = await application("Basic App", connection.id);
    const { payload } = await signInThrough(page, "e2e-back-basic", app, "bob");
    expect(payload.sub).toBe("oidc|e2e-back-basic|bob");
  });

  test("back channel with private_key_jwt, signed with the connection's own key", async ({ page }) => {
    const list = await api("GET", "/connections?name=e2e-back-pkjwt");
    const app = await application("Key App", list[0].id);
    const { payload, userinfo } = await signInThrough(page, "e2e-back-pkjwt", app, "carol");
    expect(payload.sub).toBe("oidc|e2e-back-pkjwt|carol");
    expect(userinfo.email).toBe("carol@example.test");
  });

  test("front channel: the IdP posts the ID token back (form_post)", async ({ page }) => {
    const connection = await discoveryConnection("e2e-front", { type: "front_channel", client_id: OP_CLIENTS.front.id });
    const app = await application("Front App", connection.id);
    const { payload } = await signInThrough(page, "e2e-front", app, "dave");
    expect(payload.sub).toBe("oidc|e2e-front|dave");
    expect(payload.email).toBe("dave@example.test");
  });

  test("user mapping: use_map templates and bind_all reach the user and Tessera's ID token", async ({ page, browser }) => {
    const mapped = await discoveryConnection("e2e-map", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret, attribute_map: { mapping_mode: "use_map",
        attributes: { department: "${context.userinfo.department}", title: "Engineer", nickname: "${context.userinfo.name}" } } });
    const { payload } = await signInThrough(page, "e2e-map", await application("Map App", mapped.id), "mia");
    expect(payload).toMatchObject({ sub: "oidc|e2e-map|mia", department: "R&D", title: "Engineer", nickname: "User mia",
      groups: ["engineering", "sso-admins"] });
    const mia = await api("GET", `/users/${encodeURIComponent("oidc|e2e-map|mia")}`);
    expect(mia.profile).toMatchObject({ department: "R&D", title: "Engineer" });

    const all = await discoveryConnection("e2e-bind-all", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret, attribute_map: { mapping_mode: "bind_all" } });
    const fresh = await browser.newContext(); // no session at the IdP yet: it asks who is signing in
    const bound = await signInThrough(await fresh.newPage(), "e2e-bind-all", await application("Bind App", all.id), "ned");
    await fresh.close();
    expect(bound.payload).toMatchObject({ department: "R&D", groups: ["engineering", "sso-admins"] });
    const ned = await api("GET", `/users/${encodeURIComponent("oidc|e2e-bind-all|ned")}`);
    expect(ned.profile).toMatchObject({ department: "R&D", email: "ned@example.test" });
    expect(ned.profile.nonce).toBeUndefined();

    // basic_profile (the default) keeps only the basic profile.
    const alice = await api("GET", `/users/${encodeURIComponent("oidc|e2e-back-post|alice")}`).catch(() => null);
    if (alice) expect(alice.profile.department).toBeUndefined();
  });

  test("refresh tokens rotate, a reused one fails, single sign-on, and RP-initiated logout ends the session", async ({ page }) => {
    const LOGGED_OUT = "https://app.example.test/logged-out";
    const connection = await discoveryConnection("e2e-sessions", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret });
    const app = await application("Session App", connection.id, { allowed_logout_urls: [LOGGED_OUT] });
    const { tokens, config, payload } = await signInThrough(page, "e2e-sessions", app, "sue", "openid email profile offline_access");
    expect(payload.sid).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();

    // openid-client refreshes; the rotated-out token then fails and takes its family with it.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe("oidc|e2e-sessions|sue");
    const refused = async (token: string) => {
      try { await client.refreshTokenGrant(config, token); return "accepted"; } catch (e: any) { return e.error ?? String(e); }
    };
    expect(await refused(tokens.refresh_token!)).toBe("invalid_grant");
    expect(await refused(refreshed.refresh_token!)).toBe("invalid_grant");

    // The browser has a Tessera session: prompt=none signs in without the IdP.
    const { baseURL } = serverState();
    const session = (await page.context().cookies(baseURL)).find((c) => c.name === "tessera_sso");
    expect(session, "the login set a single sign-on session cookie").toBeTruthy();
    const silent = async () => {
      const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "silent", prompt: "none",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: "S256" });
      const res = await fetch(url, { redirect: "manual", headers: { cookie: `tessera_sso=${session!.value}` } });
      return new URL(res.headers.get("location")!);
    };
    expect((await silent()).searchParams.get("code")).toBeTruthy();

    // Without an id_token_hint any page could have linked to the logout: the user confirms first.
    const confirm = await page.context().newPage();
    await confirm.goto("/oidc/logout");
    await expect(confirm.getByRole("heading", { name: "Sign out?" })).toBeVisible();
    await expect(confirm.getByRole("button", { name: "Sign out" })).toBeFocused();
    await confirm.screenshot({ path: screenshotPath("logout-confirm"), fullPage: true });
    expect((await silent()).searchParams.get("code"), "nothing ended before confirming").toBeTruthy();
    await confirm.close();

    // RP-initiated logout, in the browser: back to the Allowed Logout URL with the state. (The
    // application's host does not exist here: the browser's request to it is what is checked.)
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT, state: "bye" });
    const toApplication = page.waitForRequest((r) => r.url().startsWith(LOGGED_OUT));
    await page.goto(end.href).catch(() => {});
    expect(new URL((await toApplication).url()).searchParams.get("state")).toBe("bye");
    const cleared = (await page.context().cookies(baseURL)).find((c) => c.name === "tessera_sso");
    expect(cleared, "the session cookie is cleared").toBeUndefined();
    const after = await silent();
    expect(after.searchParams.get("error")).toBe("login_required");

    // Without a redirect URI, Tessera's own page says so.
    const own = await page.context().newPage();
    await own.goto("/oidc/logout");
    await expect(own.getByRole("heading", { name: "You are signed out" })).toBeVisible();
    await own.screenshot({ path: screenshotPath("signed-out"), fullPage: true });
  });

  test("an Okta Workforce connection, against a local stand-in for the Okta domain", async ({ page }) => {
    const { opIssuer } = serverState();
    // With private networks allowed, an Okta domain may carry a scheme and port: the suite's
    // OpenID Provider stands in for the Okta org.
    const connection = await createViaApi({ strategy: "okta", name: "e2e-okta", options: { domain: opIssuer,
      client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret, scope: "openid email profile" } });
    const app = await application("Okta App", connection.id);
    const { payload, userinfo } = await signInThrough(page, "e2e-okta", app, "olga");
    expect(payload.sub).toBe("okta|e2e-okta|olga");
    expect(userinfo.email).toBe("olga@example.test");
  });

  test("a code is single use: the second exchange is refused and the first one's tokens stop working", async ({ page }) => {
    const connection = await discoveryConnection("e2e-replay", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret });
    const app = await application("Replay App", connection.id);
    const { baseURL } = serverState();
    // Drive the flow by hand to keep the code.
    const verifier = client.randomPKCECodeVerifier();
    const authorize = new URL(`${baseURL}/authorize`);
    authorize.search = new URLSearchParams({ client_id: app.client_id, redirect_uri: CALLBACK, response_type: "code", scope: "openid email",
      state: "s1", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", connection: "e2e-replay" }).toString();
    let landed = "";
    await page.route(`${CALLBACK}**`, async (route) => { landed = route.request().url(); await route.fulfill({ status: 200, body: "ok" }); });
    await page.goto(authorize.href);
    await page.locator("input[name=login]").fill("erin");
    await page.locator("input[name=password]").fill("x");
    await page.locator("button[type=submit]").click();
    await expect.poll(() => landed).toContain("code=");
    const code = new URL(landed).searchParams.get("code")!;
    const exchange = () => fetch(`${baseURL}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, code_verifier: verifier,
        client_id: app.client_id, client_secret: app.client_secret }) });
    const first = await exchange();
    expect(first.status).toBe(200);
    const { access_token } = await first.json();
    const userinfo = () => fetch(`${baseURL}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect((await userinfo()).status).toBe(200);
    const second = await exchange();
    expect(second.status).toBe(400);
    expect((await second.json()).error).toBe("invalid_grant");
    expect((await userinfo()).status).toBe(401);
  });

  test("a redirect_uri the application did not register gets an error page, never a redirect", async ({ page }) => {
    const connection = await discoveryConnection("e2e-strict", { client_id: OP_CLIENTS.front.id });
    const app = await application("Strict App", connection.id);
    const { baseURL } = serverState();
    const res = await page.goto(`${baseURL}/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent("https://evil.example/cb")}&response_type=code&scope=openid&connection=e2e-strict`);
    expect(res?.status()).toBe(400);
    await expect(page.getByRole("alert")).toContainText("is not one of the application's Allowed Callback URLs");
    expect(page.url()).toContain(baseURL);
  });
});

test.describe("Try on a connection page", () => {
  async function tryIt(page: Page, connectionId: string) {
    const { signIn, hydrated } = await import("../support/tessera");
    await signIn(page, `/connections/enterprise/${connectionId}/settings`);
    await hydrated(page);
    await page.screenshot({ path: screenshotPath("connection-header-try"), clip: { x: 0, y: 0, width: 1280, height: 260 } });
    const [tab] = await Promise.all([page.context().waitForEvent("page"), page.getByRole("link", { name: "Try" }).click()]);
    await tab.locator("input[name=login]").fill("tina");
    await tab.locator("input[name=password]").fill("any password");
    await tab.locator("button[type=submit]").click();
    return tab;
  }

  test("a real login ends on It works! with the profile and the ID token's claims", async ({ page }) => {
    const connection = await discoveryConnection("e2e-try", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret });
    const tab = await tryIt(page, connection.id);
    await expect(tab.getByRole("heading", { name: "It works!" })).toBeVisible();
    await expect(tab.getByText("oidc|e2e-try|tina").first()).toBeVisible();
    await expect(tab.getByText('"nonce"')).toBeVisible();
    await tab.screenshot({ path: screenshotPath("try-it-works"), fullPage: true });
  });

  test("a wrong client secret at the IdP ends on the named failure", async ({ page }) => {
    const connection = await discoveryConnection("e2e-try-wrong", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: "not-the-secret" });
    const tab = await tryIt(page, connection.id);
    await expect(tab.getByRole("alert")).toContainText("Signing in through e2e-try-wrong failed");
    await expect(tab.getByRole("alert")).toContainText("token endpoint answered 401 invalid_client");
    await tab.screenshot({ path: screenshotPath("try-failed"), fullPage: true });
  });
});

test.describe("Tessera's login page", () => {
  test("home realm discovery by email, a Continue with button, and an unknown domain", async ({ page }) => {
    const connection = await discoveryConnection("e2e-hrd", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret, domain_aliases: ["hrd-e2e.example"] });
    await api("PATCH", `/connections/${connection.id}`, { show_as_button: true, display_name: "Acme SSO" });
    const app = await application("Login Page App", connection.id);
    const { baseURL } = serverState();
    const config = await client.discovery(new URL(`${baseURL}/`), app.client_id, app.client_secret, undefined,
      { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const challenge = await client.calculatePKCECodeChallenge(verifier);
    const authorizeUrl = () => client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid email", state: "st",
      code_challenge: challenge, code_challenge_method: "S256" }).href;
    const landed: string[] = [];
    await page.route(`${CALLBACK}**`, async (route) => { landed.push(route.request().url()); await route.fulfill({ status: 200, body: "Back at the application" }); });

    // An email whose domain no connection claims: a clear message, the email kept.
    await page.goto(authorizeUrl());
    await expect(page.getByRole("heading", { name: "Sign in to Login Page App" })).toBeVisible();
    await page.getByLabel("Email").fill("someone@elsewhere.example");
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText("No sign-in is set up for elsewhere.example. Use your organization's button, or ask your administrator.");
    await expect(page.getByLabel("Email")).toHaveValue("someone@elsewhere.example");
    await page.screenshot({ path: screenshotPath("login-page-unknown-domain"), fullPage: true });

    // Home realm discovery: the domain leads straight to the organization's IdP.
    await page.getByLabel("Email").fill("alice@hrd-e2e.example");
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    await page.locator("input[name=login]").fill("alice");
    await page.locator("input[name=password]").fill("x");
    await page.locator("button[type=submit]").click();
    await expect(page.getByText("Back at the application")).toBeVisible();
    expect(new URL(landed.pop()!).searchParams.get("code")).toBeTruthy();

    // The button, drawn as the Login Experience preview draws it (prompt=login: the single
    // sign-on session from the sign-in above would otherwise go straight back).
    await page.goto(`${authorizeUrl()}&prompt=login`);
    await page.screenshot({ path: screenshotPath("login-page"), fullPage: true });
    await page.getByRole("link", { name: "Continue with Acme SSO" }).click();
    const consentOrLogin = page.locator("input[name=login]");
    if (await consentOrLogin.isVisible()) {
      await consentOrLogin.fill("alice");
      await page.locator("input[name=password]").fill("x");
      await page.locator("button[type=submit]").click();
    }
    await expect(page.getByText("Back at the application")).toBeVisible();
    expect(new URL(landed.pop()!).searchParams.get("code")).toBeTruthy();
  });

  test("a Button logo URL on another origin shows on the login page, and the policy names only that origin", async ({ page }) => {
    // The logo lives on a second loopback origin, as a logo on a CDN would.
    const port = await freePort();
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="#4f46e5"/><path d="M12 20l6 6 10-12" stroke="#fff" stroke-width="4" fill="none"/></svg>`;
    const logoServer = createServer((_req, res) => { res.writeHead(200, { "content-type": "image/svg+xml" }); res.end(svg); });
    await new Promise<void>((ok) => logoServer.listen(port, "127.0.0.1", () => ok()));
    try {
      const logo = `http://127.0.0.1:${port}/acme-logo.svg`;
      const connection = await discoveryConnection("e2e-logo", { type: "back_channel", client_id: OP_CLIENTS.post.id,
        client_secret: OP_CLIENTS.post.secret, icon_url: logo });
      await api("PATCH", `/connections/${connection.id}`, { show_as_button: true, display_name: "Acme Logo SSO" });
      const app = await application("Logo App", connection.id);
      const { baseURL } = serverState();
      const refused: string[] = [];
      page.on("console", (m) => { if (m.text().includes("Content Security Policy")) refused.push(m.text()); });
      const answer = await page.goto(`${baseURL}/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=openid`);
      const policy = answer?.headers()["content-security-policy"] ?? "";
      expect(policy).toContain(`img-src 'self' data: http://127.0.0.1:${port};`);
      const img = page.getByRole("link", { name: "Continue with Acme Logo SSO" }).locator("img");
      await expect(img).toHaveAttribute("src", logo);
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete ? i.naturalWidth : 0)).toBeGreaterThan(0);
      expect(refused).toEqual([]);
      await page.screenshot({ path: screenshotPath("login-page-logo"), fullPage: true });

      // The Login Experience preview shows it too, fetched through Tessera for the signed-in admin.
      await signIn(page, `/connections/enterprise/${connection.id}/login-experience`);
      await hydrated(page);
      const preview = page.getByTestId("logo-preview");
      await expect.poll(() => preview.evaluate((i: HTMLImageElement) => i.complete ? i.naturalWidth : 0)).toBeGreaterThan(0);
      expect(refused).toEqual([]);
      await page.screenshot({ path: screenshotPath("login-experience-logo"), fullPage: true });
    } finally {
      logoServer.close();
    }
  });

  test("works without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const connection = await discoveryConnection("e2e-nojs", { type: "back_channel", client_id: OP_CLIENTS.post.id,
      client_secret: OP_CLIENTS.post.secret, domain_aliases: ["nojs-e2e.example"] });
    const app = await application("No JS App", connection.id);
    const { baseURL } = serverState();
    await page.goto(`${baseURL}/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=openid`);
    await page.getByLabel("Email").fill("bo@nojs-e2e.example");
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    await expect(page.locator("input[name=login]")).toBeVisible();
    expect(page.url()).toContain("/interaction/");
    await context.close();
  });
});

test("the Users and Logs pages show who signed in and why a sign-in failed", async ({ page }) => {
  const { signIn, hydrated } = await import("../support/tessera");
  await signIn(page, "/users?q=alice");
  await expect(page.getByText("oidc|e2e-back-post|alice")).toBeVisible();
  await page.screenshot({ path: screenshotPath("users"), fullPage: true });
  await page.getByRole("link", { name: "User alice" }).first().click();
  await expect(page.getByRole("heading", { name: "User alice" })).toBeVisible();
  await expect(page.getByText("Identity provider subject")).toBeVisible();
  await expect(page.getByText('"email": "alice@example.test"')).toBeVisible();
  await page.screenshot({ path: screenshotPath("user"), fullPage: true });
  await page.goto("/logs?type=f");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Failure" })).toHaveAttribute("aria-current", "true");
  await expect(page.getByText("token endpoint answered 401 invalid_client").first()).toBeVisible();
  await expect(page.getByText("Success Login")).toHaveCount(0);
  await page.screenshot({ path: screenshotPath("logs-failures"), fullPage: true });
  await page.getByRole("link", { name: "All" }).click();
  await expect(page.getByText("Success Login").first()).toBeVisible();

  // Logouts have their own filter.
  await page.getByRole("link", { name: "Logout" }).click();
  await expect(page.getByText("Success Logout").first()).toBeVisible();
  await expect(page.getByText("Failed Login")).toHaveCount(0);
  await expect(page.getByRole("cell", { name: "Session App" })).toHaveCount(1); // the anonymous visit signed nobody out
  await page.screenshot({ path: screenshotPath("logs-logout"), fullPage: true });
  await page.getByRole("link", { name: "All" }).click();
  await expect(page.getByText("Success Login").first()).toBeVisible();
  // A plain link loads a new document: let it hydrate before choosing, or hydration puts the
  // server-rendered choice back.
  await hydrated(page);

  // Filter by connection and by application (a GET form: the filters are in the URL).
  await page.getByLabel("Connection", { exact: true }).selectOption({ label: "e2e-try-wrong" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/connection_id=con_/);
  await expect(page.getByText("token endpoint answered 401 invalid_client").first()).toBeVisible();
  await expect(page.getByText("Success Login")).toHaveCount(0);
  await page.getByLabel("Connection", { exact: true }).selectOption({ label: "All connections" });
  await page.getByLabel("Application", { exact: true }).selectOption({ label: "Post App" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/client_id=\w+/);
  await expect(page.getByRole("cell", { name: "Post App" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "e2e-try-wrong" })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath("logs-filtered"), fullPage: true });
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByLabel("Application", { exact: true })).toHaveValue("");

  // A user's single sign-on sessions, revoked from their page.
  await page.goto(`/users/${encodeURIComponent("oidc|e2e-map|mia")}`);
  await hydrated(page);
  const sessions = page.getByRole("region", { name: "Sessions" });
  await expect(sessions.getByRole("button", { name: "Revoke" })).toHaveCount(1);
  await page.screenshot({ path: screenshotPath("user-sessions"), fullPage: true });
  await sessions.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Session revoked" })).toBeVisible();
  await expect(sessions.getByText("No active sessions.")).toBeVisible();
  // A cold user's page ships no wasm: Revoke posted the form and came back with the toast.
  const wasm = await page.evaluate(() => performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".wasm")).length);
  expect(wasm, "wasm files a cold user's page loaded").toBe(0);

  // Delete a user from their page: typed confirmation, a toast, gone from the list.
  await page.goto(`/users/${encodeURIComponent("oidc|e2e-back-basic|bob")}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByText("type bob@example.test to confirm", { exact: true })).toBeVisible();
  await page.getByLabel("Type bob@example.test to confirm.").fill("bob@example.test");
  await page.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "User bob@example.test deleted" })).toBeVisible();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByText("oidc|e2e-back-basic|bob")).toHaveCount(0);
});
