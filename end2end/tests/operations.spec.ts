// Running Tessera: a setup link sent by email (a real SMTP server, aiosmtpd, receives it and the
// IT admin follows the link from the message), a connection's last 24 hours of sign-ins charted
// on its page, and the Logs page saying what to check for a failed sign-in.
import { test, expect, type Page } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { api, application, browseToCallback, CALLBACK, discoveryConnection, signInThrough } from "../support/applications";
import { OP_CLIENTS } from "../support/identity-providers";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";

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

async function createOrganization(page: Page, name: string, displayName: string) {
  await page.goto("/organizations");
  await hydrated(page);
  await page.getByRole("button", { name: "Create Organization" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Display Name").fill(displayName);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: displayName, level: 1 })).toBeVisible();
  await hydrated(page);
}

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

test("a connection's page charts its last 24 hours of sign-ins, and the Logs page says what to check", async ({ page }) => {
  const name = "ops-chart";
  const options = { type: "back_channel", client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret, token_endpoint_auth_method: "client_secret_post" };
  const connection = await discoveryConnection(name, options);
  const app = await application("Chart App", connection.id);
  await signInThrough(page, name, app, "chart-user-1");
  await page.context().clearCookies();
  await signInThrough(page, name, app, "chart-user-2");
  await page.context().clearCookies();
  // A wrong client secret: the provider refuses Tessera's code exchange.
  // (A PATCH of options replaces them all, as Auth0's does.)
  const { opIssuer } = serverState();
  await api("PATCH", `/connections/${connection.id}`, { options: { ...options, discovery_url: `${opIssuer}/.well-known/openid-configuration`,
    scope: "openid email profile", client_secret: "not-the-secret" } });
  const { baseURL } = serverState();
  const refused = await browseToCallback(page, `${baseURL}/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=openid&state=s&connection=${name}`, "chart-user-3");
  expect(new URL(refused.url).searchParams.get("error")).toBe("access_denied");

  await signIn(page, `/connections/enterprise/${connection.id}/settings`);
  const chart = page.getByTestId("sign-in-activity");
  await expect(chart).toBeVisible();
  await expect(chart.getByTestId("activity-succeeded")).toHaveText("2");
  await expect(chart.getByTestId("activity-failed")).toHaveText("1");
  await expect(chart.locator("svg[role=img]")).toHaveAttribute("aria-label", "2 successful and 1 failed sign-ins in the last 24 hours");
  await expect(chart.locator("svg rect.fill-red-500")).toHaveCount(24);
  await chart.screenshot({ path: screenshotPath("connection-sign-in-chart") });
  await page.screenshot({ path: screenshotPath("connection-with-chart"), fullPage: true });

  await page.goto(`/logs?type=f&connection_id=${connection.id}`);
  await hydrated(page);
  const row = page.locator("tr").filter({ hasText: "Failed Login" }).first();
  await expect(row).toContainText("invalid_client");
  await expect(row.getByTestId("failure-check")).toContainText("What to check:");
  await expect(row.getByTestId("failure-check")).toContainText("Client Secret");
  await page.screenshot({ path: screenshotPath("logs-failure-check"), fullPage: true });
});
