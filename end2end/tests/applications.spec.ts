// Applications in the dashboard: create one (its secret shown once), change its settings, and
// enable a connection for it from the application's side and from the connection's side.
import { expect, test } from "@playwright/test";
import { createViaApi, explicitBody, hydrated, screenshotPath, serverState, signIn, withoutJavaScript } from "../support/tessera";

test("an application is created with its secret shown once, and connections are enabled from both sides", async ({ page }) => {
  const connection = await createViaApi(explicitBody("apps-e2e-conn"));
  await signIn(page, "/applications");
  await hydrated(page);
  // The list ships no wasm on a cold load: "Create Application" opens its own page.
  await page.getByRole("link", { name: "Create Application" }).click();
  await expect(page.getByRole("heading", { name: "Create Application", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Name").fill("Acme Portal");
  await page.getByLabel("Allowed Callback URLs").fill("https://portal.acme.example/callback");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  // Create Application ships no wasm: the post came back as this page, with the secret the
  // server left for it in the sealed flash.
  await expect(page.getByRole("status").filter({ hasText: "was created" })).toContainText("Acme Portal was created");
  await expect(page).toHaveURL(/\/applications\/new$/);
  const secret = await page.getByLabel("Client Secret", { exact: true }).inputValue();
  expect(secret).toHaveLength(48);
  const wasm = await page.evaluate(() => performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".wasm")).length);
  expect(wasm, "wasm files the Create Application page loaded").toBe(0);
  await page.screenshot({ path: screenshotPath("application-created"), fullPage: true });
  // Shown once: the same page again is the empty form.
  await page.reload();
  await expect(page.getByLabel("Name")).toHaveValue("");
  await expect(page.getByLabel("Client Secret", { exact: true })).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await page.goto("/applications");
  await page.getByRole("link", { name: "Acme Portal" }).click();
  await hydrated(page);

  // Its page: settings, and the Connections switches.
  await expect(page.getByRole("heading", { name: "Acme Portal" })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await page.getByLabel("Description").fill("The customer portal");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  const appSwitch = page.getByRole("switch", { name: /apps-e2e-conn/ });
  await expect(appSwitch).toHaveAttribute("aria-checked", "false");
  await appSwitch.click();
  await expect(page.getByRole("switch", { name: "Disable apps-e2e-conn" })).toHaveAttribute("aria-checked", "true");
  await page.screenshot({ path: screenshotPath("application-settings"), fullPage: true });
  await page.goto("/applications");
  await expect(page.getByRole("link", { name: "Acme Portal" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("applications"), fullPage: true });

  // The connection's Applications tab shows the same truth, and can switch it off.
  await page.goto(`/connections/enterprise/${connection.id}/applications`);
  await hydrated(page);
  const connSwitch = page.getByRole("switch", { name: "Disable Acme Portal" });
  await expect(connSwitch).toHaveAttribute("aria-checked", "true");
  await page.screenshot({ path: screenshotPath("connection-applications"), fullPage: true });
  await connSwitch.click();
  await expect(page.getByRole("switch", { name: "Enable Acme Portal" })).toHaveAttribute("aria-checked", "false");
});

test("a bad callback URL is named under its field, what was typed stays, and nothing is created", async ({ page }) => {
  await signIn(page, "/applications/new");
  await hydrated(page);
  await page.getByLabel("Name").fill("Broken App");
  await page.getByLabel("Single Page Application").check();
  await page.getByLabel("Allowed Callback URLs").fill("https://portal.example/cb#section");
  await page.getByLabel("This application is owned by a third party").check();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("must not contain a #fragment")).toBeVisible();
  // The refused post came back as a fresh page (no wasm), with every field as it was typed.
  await expect(page.getByLabel("Name")).toHaveValue("Broken App");
  await expect(page.getByLabel("Single Page Application")).toBeChecked();
  await expect(page.getByLabel("Allowed Callback URLs")).toHaveValue("https://portal.example/cb#section");
  await expect(page.getByLabel("This application is owned by a third party")).toBeChecked();
  await page.screenshot({ path: screenshotPath("application-create-error"), fullPage: true });
  await page.goto("/applications");
  await expect(page.getByRole("heading", { name: "Applications", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Broken App" })).toHaveCount(0);
});

test("a machine-to-machine application is authorized for the Management API with the permissions chosen", async ({ page }) => {
  const { baseURL, apiToken } = serverState();
  const res = await fetch(`${baseURL}/api/v2/clients`, { method: "POST", headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Nightly Sync", app_type: "non_interactive" }) });
  const m2m = await res.json();
  await signIn(page, `/applications/${m2m.client_id}`);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "APIs" })).toBeVisible();
  const authorized = page.getByRole("switch", { name: "Authorized" });
  await expect(authorized).toHaveAttribute("aria-checked", "false");
  await authorized.click();
  await page.getByLabel("read:connections").check();
  await page.getByLabel("read:users").check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Management API access saved")).toBeVisible();
  await page.screenshot({ path: screenshotPath("application-m2m"), fullPage: true });

  // The grant is real: client credentials now get exactly those scopes.
  const token = await fetch(`${baseURL}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: m2m.client_id, client_secret: m2m.client_secret, audience: `${baseURL}/api/v2/` }) });
  expect(token.status).toBe(200);
  expect((await token.json()).scope.split(" ").sort()).toEqual(["read:connections", "read:users"]);

  // After a reload the page shows what is stored.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("switch", { name: "Authorized" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByLabel("read:users")).toBeChecked();
  await expect(page.getByLabel("delete:connections")).not.toBeChecked();
});

test("an application's token settings: ID token algorithm, back-channel logout URI and private_key_jwt keys, each checked", async ({ page }) => {
  const { baseURL, apiToken } = serverState();
  const res = await fetch(`${baseURL}/api/v2/clients`, { method: "POST", headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Token Settings App", callbacks: ["https://tokens.example/callback"] }) });
  const app = await res.json();
  await signIn(page, `/applications/${app.client_id}`);
  await hydrated(page);
  await page.getByLabel("ID Token Signature Algorithm").selectOption("ES256");
  await page.getByLabel("Back-Channel Logout URI").fill("ftp://tokens.example/logout");
  await page.getByLabel("Implicit").check();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("must be an https:// URL (not ftp:)")).toBeVisible();
  await page.getByLabel("Back-Channel Logout URI").fill("https://tokens.example/backchannel-logout");
  await page.getByLabel("Authentication Method").selectOption("private_key_jwt");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("is required with private_key_jwt")).toBeVisible();
  await page.screenshot({ path: screenshotPath("application-token-settings-error"), fullPage: true });
  await page.getByLabel("Public keys (JWK Set)").fill(JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", kid: "k1",
    x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] }));
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.screenshot({ path: screenshotPath("application-token-settings"), fullPage: true });
  const stored = await (await fetch(`${baseURL}/api/v2/clients/${app.client_id}`, { headers: { authorization: `Bearer ${apiToken}` } })).json();
  expect(stored).toMatchObject({ id_token_signed_response_alg: "ES256", backchannel_logout_uri: "https://tokens.example/backchannel-logout",
    token_endpoint_auth_method: "private_key_jwt" });
  expect(stored.grant_types).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "implicit"]));
});

test("with the dashboard hydrated, an application is created in place", async ({ page }) => {
  await signIn(page, "/connections/enterprise/oidc/new");
  await hydrated(page);
  await page.evaluate(() => { (window as any).__sameDocument = true; });
  await page.getByRole("link", { name: "Applications", exact: true }).click();
  await page.getByRole("link", { name: "Create Application" }).click();
  await expect(page.getByRole("heading", { name: "Create Application", level: 1 })).toBeVisible();
  await page.getByLabel("Name").fill("Acme SPA");
  await page.getByLabel("Single Page Application").check();
  await page.getByLabel("Allowed Callback URLs").fill("https://spa.acme.example/callback");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const status = page.getByRole("status").filter({ hasText: "was created" });
  await expect(status).toContainText("Acme SPA was created");
  await expect(page.getByLabel("Client ID", { exact: true })).toHaveValue(/^[A-Za-z0-9]{32}$/);
  await expect(page.getByLabel("Client Secret", { exact: true })).toHaveValue(/^.{48}$/);
  expect(await page.evaluate(() => (window as any).__sameDocument), "the page was not loaded again").toBe(true);
  await page.screenshot({ path: screenshotPath("application-created-hydrated"), fullPage: true });
});

test("without JavaScript an application is created and its secret shown once", async ({ page, browser }) => {
  const noScript = await withoutJavaScript(page, browser, "/applications/new");
  await noScript.getByLabel("Name").fill("No Script App");
  await noScript.getByLabel("Allowed Callback URLs").fill("https://noscript.example/cb");
  await noScript.getByRole("button", { name: "Create", exact: true }).click();
  await expect(noScript.getByRole("status").filter({ hasText: "was created" })).toContainText("No Script App was created");
  await expect(noScript.getByLabel("Client Secret", { exact: true })).toHaveValue(/^.{48}$/);
  await noScript.context().close();
});
