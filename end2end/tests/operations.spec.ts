// Running Tessera: a connection's last 24 hours of sign-ins charted on its page, and the Logs page
// saying what to check for a failed sign-in. (Setup links by email are in organizations.spec.)
import { test, expect } from "@playwright/test";
import { api, application, browseToCallback, CALLBACK, discoveryConnection, signInThrough } from "../support/applications";
import { OP_CLIENTS } from "../support/identity-providers";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";


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
