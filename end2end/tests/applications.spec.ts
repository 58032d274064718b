// Applications in the dashboard: create one (its secret shown once), change its settings, and
// enable a connection for it from the application's side and from the connection's side.
import { expect, test } from "@playwright/test";
import { createViaApi, explicitBody, hydrated, screenshotPath, signIn } from "../support/tessera";

test("an application is created with its secret shown once, and connections are enabled from both sides", async ({ page }) => {
  const connection = await createViaApi(explicitBody("apps-e2e-conn"));
  await signIn(page, "/applications");
  await hydrated(page);
  await page.getByRole("button", { name: "Create Application" }).click();
  await page.getByLabel("Name").fill("Acme Portal");
  await page.getByLabel("Allowed Callback URLs").fill("https://portal.acme.example/callback");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "was created" })).toContainText("Acme Portal was created");
  const secret = await page.getByLabel("Client Secret", { exact: true }).inputValue();
  expect(secret).toHaveLength(48);
  await page.screenshot({ path: screenshotPath("application-created"), fullPage: true });
  await expect(page.getByRole("link", { name: "Acme Portal" })).toBeVisible();

  // Its page: settings, and the Connections switches.
  await page.getByRole("link", { name: "Open its settings" }).click();
  await hydrated(page);
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

  // The connection's Applications tab shows the same truth, and can switch it off.
  await page.goto(`/connections/enterprise/${connection.id}/applications`);
  await hydrated(page);
  const connSwitch = page.getByRole("switch", { name: "Disable Acme Portal" });
  await expect(connSwitch).toHaveAttribute("aria-checked", "true");
  await page.screenshot({ path: screenshotPath("connection-applications"), fullPage: true });
  await connSwitch.click();
  await expect(page.getByRole("switch", { name: "Enable Acme Portal" })).toHaveAttribute("aria-checked", "false");
});

test("a bad callback URL is named under its field and nothing is created", async ({ page }) => {
  await signIn(page, "/applications");
  await hydrated(page);
  await page.getByRole("button", { name: "Create Application" }).click();
  await page.getByLabel("Name").fill("Broken App");
  await page.getByLabel("Allowed Callback URLs").fill("https://portal.example/cb#section");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("must not contain a #fragment")).toBeVisible();
  await page.screenshot({ path: screenshotPath("application-create-error"), fullPage: true });
  await expect(page.getByRole("link", { name: "Broken App" })).toHaveCount(0);
});
