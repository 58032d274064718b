// Organizations and self-service setup: the admin creates an organization, adds a domain and
// invites its IT admin; the IT admin, in a fresh browser with no Tessera account, walks the
// setup screens against the suite's OpenID Provider and ends on "It works!"; the admin maps a
// group to a role, and a user of that organization signs in to an application with the role in
// Tessera's ID token. Then the failures: a link expired, used twice, tampered with, revoked,
// and an attempt to reach another organization's data.
import { test, expect, type Browser, type Page } from "@playwright/test";
import { api, CALLBACK, signInThrough } from "../support/applications";
import { OP_CLIENTS } from "../support/identity-providers";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";
import { createOrganization } from "../support/organizations";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** "Invite IT admin" on the organization's page; returns the link shown once. */
async function invite(page: Page, appName?: string): Promise<string> {
  await page.getByRole("button", { name: "Invite IT admin" }).click();
  if (appName) await page.getByLabel(appName).check();
  await page.getByRole("button", { name: "Create setup link" }).click();
  const field = page.getByLabel("Setup link", { exact: true });
  await expect(field).toHaveValue(/\/setup\//);
  return field.inputValue();
}

/** A browser of its own: no Tessera session, no cookies. */
async function freshPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test("an organization's IT admin sets up their own connection, and its users sign in with their role", async ({ page, browser }) => {
  const { opIssuer, baseURL } = serverState();
  const app = await api("POST", "/clients", { name: "Initech Portal", app_type: "regular_web", callbacks: [CALLBACK] });
  await api("POST", "/roles", { name: "Engineer", description: "Builds things" });

  await signIn(page, "/organizations");
  await expect(page.getByText("No organizations yet")).toBeVisible();
  await page.screenshot({ path: screenshotPath("organizations-empty"), fullPage: true });
  await createOrganization(page, "initech", "Initech");
  // A taken name is refused under the field, with what was typed kept.
  const back = page.url();
  await page.goto("/organizations/new");
  await page.getByLabel("Name", { exact: true }).fill("initech");
  await page.getByLabel("Display Name").fill("Initech Again");
  await page.getByRole("button", { name: "Add Organization" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /exists|taken/ })).toBeVisible();
  await expect(page.getByLabel("Display Name")).toHaveValue("Initech Again");
  await expect(page).toHaveURL(/\/organizations\/new$/);
  await page.goto(back);
  await hydrated(page);
  await page.getByLabel("Add domain").fill("initech.test");
  await page.getByLabel("Add domain").press("Enter");
  await expect(page.getByTestId("domain").filter({ hasText: "initech.test" })).toContainText("Verified");
  const url = await invite(page, "Initech Portal");
  expect(url.startsWith(`${baseURL}/setup/`)).toBeTruthy();
  await expect(page.getByTestId("setup-link").first()).toContainText("Not opened");
  await page.screenshot({ path: screenshotPath("organization-invite"), fullPage: true });

  // The IT admin: a fresh browser, no account.
  const it = await freshPage(browser);
  const p = it.page;
  await p.goto(url);
  await expect(p).toHaveURL(/\/setup\/.+\/steps$/);
  await hydrated(p);
  await expect(p.getByRole("heading", { name: "Set up single sign-on for Initech" })).toBeVisible();
  await p.screenshot({ path: screenshotPath("setup-1-provider"), fullPage: true });
  await p.getByLabel("OpenID Connect").check();
  await p.getByRole("button", { name: "Continue" }).click();

  await expect(p.getByRole("heading", { name: "Register Tessera with your identity provider" })).toBeVisible();
  await expect(p.getByLabel("Redirect URI", { exact: true })).toHaveValue(`${baseURL}/login/callback`);
  await expect(p.getByRole("button", { name: "Copy Redirect URI" })).toBeVisible();
  await p.screenshot({ path: screenshotPath("setup-2-redirect-uri"), fullPage: true });
  await p.getByRole("button", { name: "Continue" }).click();

  await expect(p.getByRole("heading", { name: "Enter the configuration details" })).toBeVisible();
  await p.getByLabel("Client ID").fill(OP_CLIENTS.post.id);
  await p.getByLabel("Client secret").fill(OP_CLIENTS.post.secret);
  await p.getByLabel("Discovery endpoint").fill(`${opIssuer}/.well-known/openid-configuration`);
  await expect(p.getByTestId("issuer-status")).toContainText(`Found: ${opIssuer}`);
  await p.screenshot({ path: screenshotPath("setup-3-configuration"), fullPage: true });
  await p.getByRole("button", { name: "Save configuration" }).click();

  await expect(p.getByRole("heading", { name: "Test sign-in" })).toBeVisible();
  await p.screenshot({ path: screenshotPath("setup-4-test"), fullPage: true });
  await p.getByRole("link", { name: "Test sign-in" }).click();
  await p.locator("input[name=login]").fill("milton");
  await p.locator("input[name=password]").fill("any password");
  await p.locator("button[type=submit]").click();
  await expect(p.getByRole("heading", { name: "It works!" })).toBeVisible();
  await expect(p.locator("pre").last()).toContainText('"sub": "milton"');
  await p.screenshot({ path: screenshotPath("setup-4-it-works"), fullPage: true });
  await p.getByRole("link", { name: "Continue setup" }).click();
  await hydrated(p);
  await expect(p.getByRole("heading", { name: "It works!" })).toBeVisible();
  // The IT admin's own domain: pending until its TXT record is published (it is not, here).
  await p.getByLabel("Domain", { exact: true }).fill("initech-corp.test");
  await p.getByRole("button", { name: "Add domain" }).click();
  const mine = p.getByTestId("setup-domain").filter({ hasText: "initech-corp.test" });
  await expect(mine).toContainText("Pending verification");
  await expect(mine).toContainText("_tessera-challenge.initech-corp.test");
  await mine.getByRole("button", { name: "Verify" }).click();
  await expect(p.getByRole("alert")).toContainText(/No TXT record was found|DNS lookup of _tessera-challenge.initech-corp.test failed/);
  await p.screenshot({ path: screenshotPath("setup-5-finish"), fullPage: true });
  await p.getByRole("button", { name: "Finish setup" }).click();
  await expect(p.getByRole("heading", { name: "You're all set" })).toBeVisible();
  await expect(p.getByText("Applications: Initech Portal.")).toBeVisible();
  await p.screenshot({ path: screenshotPath("setup-5-done"), fullPage: true });
  // Used once: the same browser cannot open it again.
  await p.goto(url);
  await expect(p.getByRole("heading", { name: "This setup link was already used" })).toBeVisible();
  await it.context.close();

  // The admin sees the connection, owned by the organization, and maps a group to a role.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("setup-link").first()).toContainText("Completed");
  await page.getByRole("link", { name: "initech-oidc" }).click();
  await page.getByRole("link", { name: "Provisioning" }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByLabel("IdP Group ID").fill("engineering");
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Engineer" });
  await page.getByRole("button", { name: "Save role assignments" }).click();
  await expect(page.getByText(/Role assignments saved/)).toBeVisible();
  await page.getByRole("heading", { name: "Groups and role assignments" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath("connection-group-roles") });

  // A user of that organization signs in to the application; their role is in the ID token.
  const user = await browser.newContext();
  const { payload } = await signInThrough(await user.newPage(), "initech-oidc", app, "peter");
  expect(payload.sub).toBe("oidc|initech-oidc|peter");
  expect(payload.roles).toEqual(["Engineer"]);
  await user.close();

  // Logs: created, opened, completed.
  await page.goto("/logs");
  await expect(page.getByText(/Setup link sul_\w+ for Initech completed/)).toBeVisible();
  await expect(page.getByText(/Setup link sul_\w+ for Initech opened/)).toBeVisible();
});

test("Configure manually creates the organization's connection on its page, and Try signs in through it", async ({ page }) => {
  const { opIssuer, standIn, baseURL } = serverState();
  await signIn(page, "/organizations");
  await createOrganization(page, "umbrella", "Umbrella");
  const open = page.getByRole("button", { name: "Configure manually" });
  await open.click();
  const form = page.locator("form[aria-labelledby=configure-title]");
  await expect(form.getByLabel("Redirect URI", { exact: true })).toHaveValue(`${baseURL}/login/callback`);

  // Okta OIDC, by the discovery endpoint Okta's docs give (a stand-in Okta here).
  await form.getByLabel("Identity provider").selectOption("okta");
  await form.getByLabel("Name", { exact: true }).fill("Umbrella Okta");
  await expect(form.getByText("umbrella-okta")).toBeVisible();
  await form.getByLabel("Client ID").fill("okta-client");
  await form.getByLabel("Client secret").fill("okta-secret");
  await form.getByLabel("Discovery endpoint").fill(`${standIn}/oauth2/default/.well-known/openid-configuration`);
  await expect(form.getByTestId("issuer-status")).toHaveText(`Found: ${standIn}/oauth2/default`);
  await page.screenshot({ path: screenshotPath("organization-configure-manually"), fullPage: true });
  await form.getByRole("button", { name: "Save Configuration" }).click();
  await expect(page.getByText("Connection umbrella-okta created", { exact: false })).toBeVisible();
  await expect(page.getByRole("list", { name: "Organization connections" })).toContainText("umbrella-okta");

  // A missing field is named by its input, and nothing is created.
  await open.click();
  await form.getByLabel("Identity provider").selectOption("oidc");
  await form.getByLabel("Name", { exact: true }).fill("Umbrella SSO");
  await form.getByRole("button", { name: "Save Configuration" }).click();
  await expect(form.getByText("Client ID is required")).toBeVisible();

  // OpenID Connect against the suite's provider, then Try.
  await form.getByLabel("Client ID").fill(OP_CLIENTS.post.id);
  await form.getByLabel("Client secret").fill(OP_CLIENTS.post.secret);
  await form.getByLabel("Discovery endpoint").fill(`${opIssuer}/.well-known/openid-configuration`);
  await expect(form.getByTestId("issuer-status")).toHaveText(`Found: ${opIssuer}`);
  await form.getByRole("button", { name: "Save Configuration" }).click();
  await expect(page.getByText("Connection umbrella-sso created", { exact: false })).toBeVisible();
  await page.getByRole("list", { name: "Organization connections" }).getByRole("link", { name: "umbrella-sso" }).click();
  await expect(page.getByRole("heading", { name: "umbrella-sso", level: 1 })).toBeVisible();
  const id = await page.getByTestId("connection-id").innerText();
  const connection = await api("GET", `/connections/${id}`);
  expect(connection.display_name).toBe("Umbrella SSO");
  await page.goto(`/connections/enterprise/${id}/try`);
  await page.locator("input[name=login]").fill("ursula");
  await page.locator("input[name=password]").fill("x");
  await page.locator("button[type=submit]").click();
  await expect(page.getByRole("heading", { name: "It works!" })).toBeVisible();
  await expect(page.getByText("oidc|umbrella-sso|ursula")).toBeVisible();
});

test("setup links refuse a second browser, a tampered, expired or revoked link, and reach nothing else", async ({ page, browser }) => {
  const { baseURL } = serverState();
  await signIn(page, "/organizations");
  await createOrganization(page, "hooli", "Hooli");
  // A domain left to DNS verification: the TXT record to publish, and Verify says what it found.
  await page.getByLabel("Add domain").fill("hooli.test");
  await page.getByLabel("Verify with a DNS TXT record").check();
  await page.getByLabel("Add domain").press("Enter");
  const pending = page.getByTestId("domain").filter({ hasText: "hooli.test" });
  await expect(pending).toContainText("Pending verification");
  await expect(pending).toContainText("_tessera-challenge.hooli.test");
  await expect(page.getByLabel("Add domain")).toHaveValue("");
  await pending.getByRole("button", { name: "Verify" }).click();
  await expect(pending.getByRole("alert")).toContainText(/No TXT record was found|DNS lookup of _tessera-challenge.hooli.test failed/);
  await page.screenshot({ path: screenshotPath("organization-domain-pending"), fullPage: true });
  const url = await invite(page);

  const first = await freshPage(browser);
  await first.page.goto(url);
  await hydrated(first.page);
  await expect(first.page.getByRole("heading", { name: "Set up single sign-on for Hooli" })).toBeVisible();

  // Used twice: another browser.
  const second = await freshPage(browser);
  const res = await second.page.goto(url);
  expect(res?.status()).toBe(403);
  await expect(second.page.getByRole("heading", { name: "This setup link was already used" })).toBeVisible();
  await second.page.screenshot({ path: screenshotPath("setup-refused-used"), fullPage: true });
  // Tampered with.
  const tampered = url.slice(0, -3) + (url.endsWith("aaa") ? "bbb" : "aaa");
  expect((await second.page.goto(tampered))?.status()).toBe(404);
  await expect(second.page.getByRole("heading", { name: "This setup link is not valid" })).toBeVisible();
  await second.context.close();

  // Another organization's data: the link's browser is not an admin.
  const p = first.page;
  for (const path of ["/organizations", "/connections/enterprise", "/users"]) {
    await p.goto(path);
    await expect(p).toHaveURL(/\/signin/);
  }
  const rpc = await p.request.post(`${baseURL}/rpc/organizations/list`, { form: {}, headers: { origin: baseURL } });
  expect(rpc.status()).toBe(401);
  const otherToken = await p.request.get(`${baseURL}/setup/not-a-real-link-token/steps`);
  expect(otherToken.status()).toBe(404);
  const otherForm = await p.request.post(`${baseURL}/setup/not-a-real-link-token/steps`, { form: { intent: "finish" }, headers: { origin: baseURL } });
  expect(otherForm.status()).toBe(404);
  const mgmt = await p.request.get(`${baseURL}/api/v2/organizations`);
  expect(mgmt.status()).toBe(401);

  // The Okta Workforce path (the suite's OpenID Provider stands in for the Okta org), then
  // revoked while open: the next step says so.
  await p.goto(url);
  await hydrated(p);
  await p.getByLabel("Okta Workforce").check();
  await p.getByRole("button", { name: "Continue" }).click();
  await expect(p.getByRole("heading", { name: "Create the OIDC app integration in Okta" })).toBeVisible();
  await expect(p.getByText("In the Sign-in redirect URIs section, click Add URI")).toBeVisible();
  await p.getByRole("button", { name: "Continue" }).click();
  await p.getByLabel("Client ID").fill(OP_CLIENTS.post.id);
  await p.getByLabel("Client secret").fill(OP_CLIENTS.post.secret);
  await p.getByLabel("Okta domain").fill(serverState().opIssuer);
  await expect(p.getByTestId("issuer-status")).toContainText(`Found: ${serverState().opIssuer}`);
  await p.screenshot({ path: screenshotPath("setup-3-okta"), fullPage: true });
  await p.getByRole("button", { name: "Save configuration" }).click();
  await expect(p.getByRole("heading", { name: "Test sign-in" })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("link", { name: "hooli-okta" })).toBeVisible();
  await page.getByRole("button", { name: /^Revoke sul_/ }).first().click();
  await expect(page.getByText("Setup link revoked")).toBeVisible();
  await p.getByRole("link", { name: "Test sign-in" }).click();
  await expect(p.getByRole("heading", { name: "This setup link was revoked" })).toBeVisible();
  await p.screenshot({ path: screenshotPath("setup-refused-revoked"), fullPage: true });
  await first.context.close();

  // Expired: a link whose time is up (aged in the database, the one thing a browser cannot do).
  // The list refetches after the link is made: wait for its new row before reading its id.
  const rows = page.getByTestId("setup-link");
  const before = await rows.count();
  const link = await invite(page);
  await expect(rows).toHaveCount(before + 1);
  const id = (await rows.first().locator("code").innerText()).trim();
  const { execFileSync } = await import("node:child_process");
  execFileSync("sqlite3", [`${serverState().dataDir}/tessera.db`, `UPDATE setup_links SET expires_at = 1 WHERE id = '${id}'`]);
  const late = await freshPage(browser);
  expect((await late.page.goto(link))?.status()).toBe(410);
  await expect(late.page.getByRole("heading", { name: "This setup link has expired" })).toBeVisible();
  await late.context.close();
});

/** The messages the mail server received for `to`: headers and decoded text body. */
function mailTo(to: string): { headers: string; body: string }[] {
  const dir = join(serverState().maildir, "new");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .map((raw) => {
      const split = raw.search(/\r?\n\r?\n/);
      const headers = raw.slice(0, split);
      let body = raw.slice(split).trim();
      if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
        body = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      } else if (/content-transfer-encoding:\s*base64/i.test(headers)) {
        body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
      }
      return { headers, body };
    })
    .filter((m) => new RegExp(`^To: .*${to.replace(/[.]/g, "\\.")}`, "mi").test(m.headers));
}

// After the first test, whose empty Organizations page it would spoil.
test("Invite IT admin emails the setup link, and the IT admin opens it from the message", async ({ page, browser }) => {
  const { baseURL, admin } = serverState();
  await signIn(page, "/organizations");
  await createOrganization(page, "globex", "Globex Corporation");
  await page.getByRole("button", { name: "Invite IT admin" }).click();
  const email = page.getByLabel("IT admin's email (optional)");
  await expect(email).toBeEnabled();
  // A bad address is refused by name, and no link is made.
  await email.fill("not-an-address");
  await page.getByRole("button", { name: "Create and send setup link" }).click();
  await expect(page.getByRole("alert")).toContainText("email");
  await expect(page.getByTestId("setup-link")).toHaveCount(0);

  await email.fill("hank@globex.test");
  await page.getByRole("group", { name: "Invite IT admin" }).screenshot({ path: screenshotPath("organization-invite-email-form") });
  await page.getByRole("button", { name: "Create and send setup link" }).click();
  await expect(page.getByText("Setup link sent to hank@globex.test")).toBeVisible();
  await expect(page.getByTestId("email-note")).toContainText("Sent by email to hank@globex.test");
  const shown = await page.getByLabel("Setup link", { exact: true }).inputValue();
  expect(shown.startsWith(`${baseURL}/setup/`)).toBeTruthy();
  await page.screenshot({ path: screenshotPath("organization-invite-email"), fullPage: true });

  // The message: who, for which organization, until when, and the same link.
  await expect.poll(() => mailTo("hank@globex.test").length, { timeout: 10_000 }).toBe(1);
  const [message] = mailTo("hank@globex.test");
  expect(message.headers).toMatch(/^Subject: Set up single sign-on for Globex Corporation/m);
  expect(message.headers).toMatch(/^From: Tessera <no-reply@tessera\.test>/m);
  expect(message.body).toContain(`${admin.email} invited you to set up single sign-on for Globex Corporation`);
  expect(message.body).toMatch(/expires on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  const link = /(https?:\/\/\S+\/setup\/\S+)/.exec(message.body)?.[1];
  expect(link).toBe(shown);

  // The IT admin, in a browser of their own, follows the link from the message.
  const context = await browser.newContext();
  const it = await context.newPage();
  await it.goto(link!);
  await expect(it).toHaveURL(/\/setup\/.+\/steps$/);
  await expect(it.getByRole("heading", { name: "Set up single sign-on for Globex Corporation" })).toBeVisible();
  await context.close();
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("setup-link").first()).toContainText("Opened");
});

// The screens are server-rendered forms: an IT admin whose browser runs no JavaScript (locked-down
// desktops exist) sets the connection up all the same, and a refused save says why.
test("the setup screens work with JavaScript turned off, from the link to \"You're all set\"", async ({ page, browser }) => {
  const { opIssuer } = serverState();
  await signIn(page, "/organizations");
  await createOrganization(page, "wayne", "Wayne Enterprises");
  const url = await invite(page);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const p = await context.newPage();
  await p.goto(url);
  await expect(p).toHaveURL(/\/setup\/.+\/steps$/);
  await expect(p.getByRole("heading", { name: "Set up single sign-on for Wayne Enterprises" })).toBeVisible();
  await p.getByLabel("OpenID Connect").check();
  await p.getByRole("button", { name: "Continue" }).click();
  await expect(p.getByRole("heading", { name: "Register Tessera with your identity provider" })).toBeVisible();
  await p.getByRole("button", { name: "Continue" }).click();
  await expect(p.getByRole("heading", { name: "Enter the configuration details" })).toBeVisible();
  // No live check without JavaScript: the server checks on save and says what is wrong.
  await p.getByLabel("Client ID").fill(OP_CLIENTS.post.id);
  await p.getByLabel("Discovery endpoint").fill(`${opIssuer}/.well-known/openid-configuration`);
  await p.getByRole("button", { name: "Save configuration" }).click();
  await expect(p.getByRole("alert").filter({ hasText: "Client secret is required" })).toBeVisible();
  await expect(p.getByLabel("Client ID")).toHaveValue(OP_CLIENTS.post.id);
  await p.screenshot({ path: screenshotPath("setup-3-no-javascript-refused"), fullPage: true });
  await p.getByLabel("Client secret").fill(OP_CLIENTS.post.secret);
  await p.getByRole("button", { name: "Save configuration" }).click();
  await expect(p.getByRole("heading", { name: "Test sign-in" })).toBeVisible();
  await p.getByRole("link", { name: "Test sign-in" }).click();
  await p.locator("input[name=login]").fill("gibbons");
  await p.locator("input[name=password]").fill("any password");
  await p.locator("button[type=submit]").click();
  await expect(p.getByRole("heading", { name: "It works!" })).toBeVisible();
  await p.getByRole("link", { name: "Continue setup" }).click();
  await expect(p.getByRole("button", { name: "Finish setup" })).toBeVisible();
  await p.getByRole("button", { name: "Finish setup" }).click();
  await expect(p.getByRole("heading", { name: "You're all set" })).toBeVisible();
  await context.close();
  await page.reload();
  await expect(page.getByTestId("setup-link").first()).toContainText("Completed");
});
