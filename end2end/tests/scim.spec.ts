// SCIM provisioning from the dashboard to a SCIM client not written here: turn SCIM on for a
// connection, generate a bearer token (shown once, copied), run the PyPI `scim2-tester`
// compliance checker (its `scim2 test` command) against the endpoint, provision users the way
// Okta does, see them on the Users page, then revoke the token.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { createViaApi, explicitBody, hydrated, screenshotPath, signIn } from "../support/tessera";

test("SCIM is turned on, a token is generated once, scim2-tester passes, and provisioned users arrive on the Users page", async ({ page, context }) => {
  const cli = process.env.SCIM2_CLI;
  if (!cli) throw new Error("SCIM2_CLI must name the scim2 command of scim2-cli (make test installs it)");
  const connection = await createViaApi(explicitBody("scim-e2e"));
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, `/connections/enterprise/${connection.id}/provisioning`);
  await hydrated(page);
  await expect(page.getByText("the SCIM endpoint and its tokens appear here")).toBeVisible();
  await page.getByLabel("Sync user profiles using SCIM").check();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();

  const endpoint = await page.getByLabel("SCIM endpoint (Tenant URL)", { exact: true }).inputValue();
  expect(endpoint).toMatch(new RegExp(`/scim/v2/${connection.id}$`));
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  await page.getByRole("button", { name: "Generate token" }).click();
  await expect(page.getByText("is required: 1 to 64 characters")).toBeVisible();
  await page.getByLabel("Token name").fill("Okta provisioning");
  await page.getByRole("button", { name: "Generate token" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Token Okta provisioning generated" })).toBeVisible();
  const token = await page.getByLabel("Bearer token", { exact: true }).inputValue();
  expect(token).toMatch(/^tsc_[A-Za-z0-9]{40}$/);
  await page.getByRole("button", { name: "Copy Bearer token" }).click();
  await expect(page.getByText("Copied to the clipboard")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(page.getByRole("cell", { name: "Okta provisioning", exact: true })).toBeVisible();
  await page.screenshot({ path: screenshotPath("connection-scim-token"), fullPage: true });

  // The compliance checker, not written here, against the endpoint.
  const run = spawnSync(cli, ["--url", endpoint, "test"], {
    env: { ...process.env, SCIM_CLI_HEADERS: `Authorization: Bearer ${token}` }, encoding: "utf8", timeout: 120_000,
  });
  const report = `${run.stdout}\n${run.stderr}`;
  expect(run.status, report).toBe(0);
  expect((report.match(/^SUCCESS/gm) ?? []).length, report).toBeGreaterThan(100);

  // Users provisioned as Okta sends them arrive on the Users page.
  const scim = (method: string, path: string, body?: unknown) => fetch(`${endpoint}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" }, body: body ? JSON.stringify(body) : undefined });
  for (const [given, family] of [["Grace", "Hopper"], ["Katherine", "Johnson"]]) {
    const userName = `${given.toLowerCase()}@scim-e2e.example`;
    const res = await scim("POST", "/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName, externalId: `00u${given}`,
      name: { givenName: given, familyName: family }, emails: [{ primary: true, value: userName, type: "work" }], displayName: `${given} ${family}`, active: true });
    expect(res.status).toBe(201);
  }
  await page.goto("/users?q=scim-e2e.example");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Grace Hopper" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Katherine Johnson" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("users-scim"), fullPage: true });

  // The token was used; revoking it stops it at once.
  await page.goto(`/connections/enterprise/${connection.id}/provisioning`);
  await hydrated(page);
  const row = page.getByRole("row").filter({ hasText: "Okta provisioning" });
  await expect(row).not.toContainText("Never");
  await page.getByRole("button", { name: "Revoke Okta provisioning" }).click();
  await expect(page.getByText("Token revoked")).toBeVisible();
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  expect((await scim("GET", "/Users")).status).toBe(401);
});
