import { expect, test, type Page } from "@playwright/test";
import { createViaApi, explicitBody, hydrated, screenshotPath, serverState, signIn } from "../support/tessera";

const status = (page: Page) => page.getByTestId("issuer-status");

async function openOidcForm(page: Page) {
  await signIn(page, "/connections/enterprise");
  await hydrated(page);
  await page.getByRole("link", { name: "Create OpenID Connect connection" }).click();
  await expect(page.getByRole("heading", { name: "New OpenID Connect connection" })).toBeVisible();
  await hydrated(page);
}

test("an OpenID Connect connection is created once the issuer shows a green checkmark", async ({ page }) => {
  const { opIssuer } = serverState();
  await openOidcForm(page);
  await page.screenshot({ path: screenshotPath("create-oidc-empty"), fullPage: true });
  const create = page.getByRole("button", { name: "Create", exact: true });
  await expect(create).toBeDisabled();

  await page.getByLabel("Connection name").fill("acme-oidc");
  await expect(page.getByText("Available")).toBeVisible();
  await page.getByLabel("OpenID Connect Discovery URL (Issuer URL)").fill(opIssuer);
  await expect(status(page)).toContainText("Checking");
  await expect(status(page)).toHaveText(`Found: ${opIssuer}`);
  await page.getByLabel("Client ID").fill("app");
  await expect(page.getByLabel("Back Channel")).toBeChecked();
  await expect(create).toBeDisabled(); // back channel with a client secret method needs the secret
  await page.getByLabel("Client Secret", { exact: true }).fill("secret");
  await expect(page.getByRole("textbox", { name: "Callback URL" })).toHaveValue(`${serverState().baseURL}/login/callback`);
  await expect(create).toBeEnabled();
  await page.screenshot({ path: screenshotPath("create-oidc-found"), fullPage: true });

  await create.click();
  await expect(page).toHaveURL(/\/connections\/enterprise\/con_[A-Za-z0-9]{16}\/settings$/);
  await expect(page.getByRole("heading", { name: "acme-oidc", level: 1 })).toBeVisible();
  await expect(page.getByText("Connection acme-oidc created")).toBeVisible();
  await expect(page.getByTestId("connection-id")).toHaveText(/^con_/);
  await page.screenshot({ path: screenshotPath("connection-settings"), fullPage: true });

  // The name is now taken.
  await page.goto("/connections/enterprise/oidc/new");
  await hydrated(page);
  await page.getByLabel("Connection name").fill("acme-oidc");
  await expect(page.getByText("A connection with this name already exists.")).toBeVisible();
});

test("the issuer field shows a red mark when nothing is there", async ({ page }) => {
  await openOidcForm(page);
  await page.getByLabel("OpenID Connect Discovery URL (Issuer URL)").fill(`http://127.0.0.1:${serverState().closedPort}`);
  await expect(status(page)).toHaveText("Not found: the connection was refused");
  await page.screenshot({ path: screenshotPath("create-oidc-not-found"), fullPage: true });
});

test("the issuer field lists what a document without jwks_uri lacks", async ({ page }) => {
  await openOidcForm(page);
  await page.getByLabel("OpenID Connect Discovery URL (Issuer URL)").fill(`${serverState().standIn}/broken`);
  await expect(status(page)).toContainText("the configuration file is missing required information");
  await expect(status(page).getByRole("listitem")).toHaveText(["missing jwks_uri"]);
  await page.screenshot({ path: screenshotPath("create-oidc-invalid"), fullPage: true });
});

test("fast typing settles on the answer to the last input", async ({ page }) => {
  const { standIn } = serverState();
  await openOidcForm(page);
  const field = page.getByLabel("OpenID Connect Discovery URL (Issuer URL)");
  await field.fill(`${standIn}/slow`); // answers after 1.5 s with a valid document
  await page.waitForTimeout(600); // its check is now in flight
  await field.fill(`${standIn}/nothing-here`);
  await expect(status(page)).toHaveText("Not found: HTTP 404 Not Found");
  await page.waitForTimeout(2000); // the slow, stale answer arrives meanwhile
  await expect(status(page)).toHaveText("Not found: HTTP 404 Not Found");
});

test("an Okta issuer typed as /oauth2/{id}/.well-known/, as Okta's docs give it, goes green", async ({ page }) => {
  const { standIn } = serverState();
  await openOidcForm(page);
  for (const typed of [`${standIn}/oauth2/default/.well-known/`, `${standIn}/oauth2/default/.well-known/openid-configuration`]) {
    await page.getByLabel("OpenID Connect Discovery URL (Issuer URL)").fill(typed);
    await expect(status(page)).toHaveText(`Found: ${standIn}/oauth2/default`);
  }
  await page.screenshot({ path: screenshotPath("create-oidc-okta-well-known"), fullPage: true });
});

test("an Okta Workforce connection is created against a stand-in Okta domain", async ({ page }) => {
  const { standIn } = serverState();
  await signIn(page, "/connections/enterprise");
  await hydrated(page);
  await page.getByRole("link", { name: "Create Okta Workforce connection" }).click();
  // The Enterprise page is served with no wasm: the link loads the next page.
  await expect(page.getByRole("heading", { name: "New Okta Workforce connection" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Connection name").fill("acme-okta");
  await page.getByLabel("Okta Domain").fill(`${standIn}/oauth2/default`);
  await expect(status(page)).toHaveText(`Found: ${standIn}/oauth2/default`);
  await expect(page.getByRole("textbox", { name: "Sign-in redirect URI" })).toHaveValue(`${serverState().baseURL}/login/callback`);
  await page.getByLabel("Client ID").fill("0oa-okta-client");
  await page.getByLabel("Client Secret", { exact: true }).fill("okta-secret");
  await page.screenshot({ path: screenshotPath("create-okta"), fullPage: true });
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: "acme-okta", level: 1 })).toBeVisible();
  await expect(page.getByText("Okta Workforce").first()).toBeVisible();
  await expect(page.getByLabel("Okta Domain")).toHaveValue(`${standIn}/oauth2/default`);
});

test("a back-channel connection created without a client secret is Not ready until the secret is given", async ({ page }) => {
  const { opIssuer } = serverState();
  // Auth0's own "Use Back Channel specifying issuer settings" request: no secret, no token endpoint.
  const created = await createViaApi({ strategy: "oidc", name: "e2e-not-ready", options: { type: "back_channel", issuer: opIssuer,
    authorization_endpoint: `${opIssuer}/auth`, jwks_uri: `${opIssuer}/jwks`, client_id: "tessera-post", scopes: "openid profile" } });
  expect(created.not_ready).toContain("options.client_secret is missing");
  await signIn(page, "/connections/enterprise?q=e2e-not-ready");
  await hydrated(page);
  const row = page.getByRole("row").filter({ hasText: "e2e-not-ready" });
  await expect(row.getByTestId("not-ready")).toHaveText("Not ready");
  await page.screenshot({ path: screenshotPath("connections-not-ready"), fullPage: true });
  await row.getByRole("link").first().click();
  const banner = page.getByTestId("not-ready");
  await expect(banner).toContainText("Not ready: this connection cannot sign anyone in yet");
  await expect(banner).toContainText("options.client_secret is missing");
  await page.screenshot({ path: screenshotPath("connection-not-ready"), fullPage: true });
  await hydrated(page);
  await page.getByLabel("Client Secret", { exact: true }).fill("post-secret-value");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(banner).toBeHidden();
});

test("every tab saves, and the values persist after a reload", async ({ page }) => {
  const created = await createViaApi(explicitBody("tabs-demo"));
  await signIn(page, `/connections/enterprise/${created.id}/settings`);
  await hydrated(page);

  // Settings
  await page.getByLabel("Scopes").fill("openid, profile, email, groups");
  await page.getByLabel("PKCE").selectOption("S256");
  await page.getByLabel("Mapping mode").selectOption("use_map");
  await page.getByRole("button", { name: "Groups" }).click();
  await page.getByLabel("Purpose").selectOption("both");
  await expect(page.getByText("Unsaved changes")).toBeVisible();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Scopes")).toHaveValue("openid, profile, email, groups");
  await expect(page.getByLabel("PKCE")).toHaveValue("S256");
  await expect(page.getByLabel("Mapping mode")).toHaveValue("use_map");
  await expect(page.getByLabel("Attribute mapping (JSON)")).toHaveValue(/context\.tokenset\.id_token_claims\.groups/);
  await expect(page.getByLabel("Purpose")).toHaveValue("both");

  // Provisioning
  const tabs = page.getByRole("navigation", { name: "Connection" });
  await tabs.getByRole("link", { name: "Provisioning" }).click();
  await hydrated(page);
  await page.getByLabel("Sync user profiles using SCIM").check();
  await page.getByLabel("Sync Frequency").selectOption("weekly");
  await page.getByLabel("Sync user profile attributes at each login").uncheck();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.screenshot({ path: screenshotPath("connection-provisioning"), fullPage: true });
  await page.reload();
  await expect(page.getByLabel("Sync user profiles using SCIM")).toBeChecked();
  await expect(page.getByLabel("Sync Frequency")).toHaveValue("weekly");
  await expect(page.getByLabel("Sync user profile attributes at each login")).not.toBeChecked();

  // Login Experience
  await tabs.getByRole("link", { name: "Login Experience" }).click();
  await hydrated(page);
  const domain = page.getByLabel("Identity provider domains");
  await domain.fill("tabs-demo.example");
  await domain.press("Enter");
  await domain.fill("Second.Example");
  await page.getByRole("button", { name: "Add" }).click();
  await domain.fill("not a domain");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByText("is not a domain name like example.com")).toBeVisible();
  // A connection made through the API starts with its button hidden (Auth0's default).
  await page.getByLabel("Display connection button").check();
  await page.getByLabel("Button display name").fill("Tabs Demo SSO");
  await page.getByLabel("Button logo URL").fill(`${serverState().baseURL}/logos/oidc.svg`);
  await expect(page.getByTestId("button-preview")).toHaveText("Continue with Tabs Demo SSO");
  await expect(page.getByTestId("button-preview").locator("img")).toHaveAttribute("width", "20");
  await page.screenshot({ path: screenshotPath("connection-login-experience"), fullPage: true });
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("list", { name: "Home realm discovery domains" }).getByRole("listitem")).toHaveText([/tabs-demo\.example/, /second\.example/]);
  await expect(page.getByLabel("Button display name")).toHaveValue("Tabs Demo SSO");
  await expect(page.getByTestId("button-preview")).toHaveText("Continue with Tabs Demo SSO");

  // Applications
  await tabs.getByRole("link", { name: "Applications" }).click();
  await expect(page.getByText("To use this enterprise connection, enable it for your applications.")).toBeVisible();
});

test("a home realm discovery domain used by another connection shows its error", async ({ page }) => {
  await createViaApi(explicitBody("hrd-owner", { domain_aliases: ["owned.example"] }));
  const other = await createViaApi(explicitBody("hrd-other"));
  await signIn(page, `/connections/enterprise/${other.id}/login-experience`);
  await hydrated(page);
  await page.getByLabel("Identity provider domains").fill("owned.example");
  await page.getByRole("button", { name: "Add" }).click();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("already used by another connection: owned.example (connection hrd-owner)")).toBeVisible();
  await page.screenshot({ path: screenshotPath("connection-hrd-conflict"), fullPage: true });
});

test("leaving a tab with unsaved changes asks first", async ({ page }) => {
  const created = await createViaApi(explicitBody("unsaved-demo"));
  await signIn(page, `/connections/enterprise/${created.id}/settings`);
  await hydrated(page);
  await page.getByLabel("Client ID").fill("changed-but-not-saved");
  let asked = "";
  page.once("dialog", (d) => { asked = d.message(); void d.dismiss(); });
  await page.getByRole("navigation", { name: "Connection" }).getByRole("link", { name: "Provisioning" }).click();
  await expect.poll(() => asked).toContain("unsaved changes");
  await expect(page).toHaveURL(/\/settings$/);
});

test("a connection is deleted after typing its name", async ({ page }) => {
  const created = await createViaApi(explicitBody("delete-me"));
  await signIn(page, `/connections/enterprise/${created.id}/settings`);
  await hydrated(page);
  await page.getByRole("button", { name: "Delete connection" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete connection" });
  const confirm = dialog.getByRole("button", { name: "Delete" });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Type delete-me to confirm.").fill("delete-me");
  await page.screenshot({ path: screenshotPath("connection-delete"), fullPage: true });
  await confirm.click();
  await expect(page).toHaveURL(/\/connections\/enterprise$/);
  await expect(page.getByText("Connection delete-me deleted")).toBeVisible();
  await expect(page.getByRole("link", { name: /delete-me/ })).toHaveCount(0);
});

test("the table pages and searches many connections", async ({ page }) => {
  for (let i = 0; i < 30; i++) await createViaApi(explicitBody(`bulk-${String(i).padStart(2, "0")}`));
  await signIn(page, "/connections/enterprise?q=bulk");
  await expect(page.getByText("Showing 1–25 of 30")).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(26);
  await page.screenshot({ path: screenshotPath("enterprise-table"), fullPage: true });
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page.getByText("Showing 26–30 of 30")).toBeVisible();
  await page.getByLabel("Search connections by name").fill("bulk-07");
  await page.getByLabel("Search connections by name").press("Enter");
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Search connections by name").fill("nothing-like-this");
  await page.getByLabel("Search connections by name").press("Enter");
  await expect(page.getByText("No connections match")).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the connections table and a connection's settings render on the server", async ({ page }) => {
    const created = await createViaApi(explicitBody("nojs-demo", { scope: "openid email" }));
    const { admin } = serverState();
    await page.goto("/connections/enterprise?q=nojs");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("link", { name: /nojs-demo/ })).toBeVisible();
    await page.getByRole("link", { name: /nojs-demo/ }).click();
    await expect(page.getByRole("heading", { name: "nojs-demo", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Scopes")).toHaveValue("openid, email");
    await expect(page.getByTestId("connection-id")).toHaveText(created.id);
  });
});

test("the pages read well at 768 px wide, with no sideways scrolling", async ({ page }) => {
  const created = await createViaApi(explicitBody("narrow-demo", { domain_aliases: ["narrow.example"] }));
  await page.setViewportSize({ width: 768, height: 1024 });
  await signIn(page, "/connections/enterprise");
  for (const [path, name] of [
    ["/connections/enterprise", "enterprise-768"],
    ["/connections/enterprise/oidc/new", "create-oidc-768"],
    [`/connections/enterprise/${created.id}/settings`, "connection-settings-768"],
    [`/connections/enterprise/${created.id}/login-experience`, "connection-login-experience-768"],
  ]) {
    await page.goto(path);
    await hydrated(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath(name) });
  }
});

test("the delete dialog is keyboard-friendly: it focuses the name field and Escape closes it", async ({ page }) => {
  const created = await createViaApi(explicitBody("keyboard-demo"));
  await signIn(page, `/connections/enterprise/${created.id}/settings`);
  await hydrated(page);
  await page.getByRole("button", { name: "Delete connection" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Delete connection" });
  await expect(dialog.getByLabel("Type keyboard-demo to confirm.")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});

test("uploading a discovery document replaces the issuer details, and a bad one is refused", async ({ page }) => {
  const created = await createViaApi(explicitBody("upload-demo"));
  await signIn(page, `/connections/enterprise/${created.id}/settings`);
  await hydrated(page);
  await page.getByText("Show Issuer Details").click();
  const issuer = "https://login.uploaded.example";
  const doc = {
    issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/keys`,
    response_types_supported: ["code"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["RS256"],
  };
  const { jwks_uri: _dropped, ...broken } = doc;
  await page.getByLabel("Upload metadata file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(broken)) });
  await expect(page.getByText("broken.json: issuer https://login.uploaded.example")).toBeVisible();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText(/options\.oidc_metadata.*missing jwks_uri|missing jwks_uri/)).toBeVisible();

  await page.getByLabel("Upload metadata file").setInputFiles({ name: "idp.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc)) });
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.reload();
  await page.getByText("Show Issuer Details").click();
  await expect(page.getByLabel("Issuer", { exact: true })).toHaveValue(issuer);
  await expect(page.getByLabel("JWKS URL")).toHaveValue(`${issuer}/keys`);
  await expect(page.getByLabel("Token Endpoint")).toHaveValue(`${issuer}/token`);
});

test("Private Key JWT shows the public key to register before the connection is created", async ({ page }) => {
  const { opIssuer } = serverState();
  await openOidcForm(page);
  await page.getByLabel("Connection name").fill("pkjwt-ui");
  await page.getByLabel("OpenID Connect Discovery URL (Issuer URL)").fill(opIssuer);
  await page.getByLabel("Client ID").fill("app");
  await page.getByLabel("Authentication Method").selectOption("private_key_jwt");
  await expect(page.getByTestId("public-jwks")).toContainText('"kty": "RSA"');
  await page.getByLabel("Signing Algorithm").selectOption("ES256");
  await expect(page.getByTestId("public-jwks")).toContainText('"kty": "EC"');
  await expect(page.getByRole("button", { name: "Copy Public key (JWK Set)" })).toBeVisible();
  const kid = JSON.parse((await page.getByTestId("public-jwks").textContent()) ?? "{}").keys[0].kid;
  await expect(page.getByLabel("Client Secret", { exact: true })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath("create-oidc-private-key-jwt"), fullPage: true });
  await expect(status(page)).toHaveText(`Found: ${opIssuer}`);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: "pkjwt-ui", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Authentication Method")).toHaveValue("private_key_jwt");
  await expect(page.getByLabel("Signing Algorithm")).toHaveValue("ES256");
  await expect(page.getByRole("textbox", { name: "Public key (JWK Set)" })).toHaveValue(new RegExp(kid));
});
