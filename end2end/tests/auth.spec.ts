import { expect, test } from "@playwright/test";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";

test("the first admin signs in with the printed one-time password and must choose a new one", async ({ page }) => {
  const { firstAdmin } = serverState();
  await page.goto("/signin");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Sign in to Tessera" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("signin"), fullPage: true });

  await page.getByLabel("Email").fill(firstAdmin.email);
  await page.getByLabel("Password").fill(firstAdmin.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/signin\/password/);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("Confirm new password").fill("short");
  await page.getByRole("button", { name: "Save password and continue" }).click();
  await expect(page.getByText("must be at least 12 characters")).toBeVisible();

  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("Confirm new password").fill("a brand new password");
  await page.getByRole("button", { name: "Save password and continue" }).click();
  await expect(page).toHaveURL(/\/connections\/enterprise$/);
  await expect(page.getByTestId("signed-in-admin")).toHaveText(firstAdmin.email);
  await expect(page.getByRole("heading", { name: "Enterprise", exact: true })).toBeVisible();
  await page.screenshot({ path: screenshotPath("dashboard-empty"), fullPage: true });

  // The one-time password no longer works.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Email").fill(firstAdmin.email);
  await page.getByLabel("Password").fill(firstAdmin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
});

test("a wrong password shows an error and keeps the admin on the sign-in page", async ({ page }) => {
  const { admin } = serverState();
  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin/);
  // The refused post came back as a new page: the email is still there (not in the URL), and
  // the password is next.
  await expect(page.getByLabel("Email")).toHaveValue(admin.email);
  await expect(page.getByLabel("Password")).toBeFocused();
  expect(page.url()).not.toContain(encodeURIComponent(admin.email));
  await page.screenshot({ path: screenshotPath("signin-error"), fullPage: true });
});

test("a signed-out visit to a dashboard page lands on sign-in and returns to that page after", async ({ page }) => {
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/signin\?return_to=%2Fsettings$/);
  await signIn(page);
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

test("a newcomer opens /, signs in, and sees the Enterprise connections without a reload", async ({ page }) => {
  const { admin } = serverState();
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await hydrated(page);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/connections\/enterprise$/);
  await expect(page.getByRole("heading", { name: "Enterprise", exact: true })).toBeVisible();
  await expect(page.getByText("Page not found")).toHaveCount(0);
});

test("signing out ends the session: dashboard pages send the browser back to sign-in", async ({ page }) => {
  await signIn(page);
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/connections/enterprise");
  await expect(page).toHaveURL(/\/signin\?return_to=/);
});

test("the sidebar collapse control works once the page has hydrated", async ({ page }) => {
  await signIn(page);
  await hydrated(page);
  const toggle = page.getByRole("button", { name: "Collapse sidebar" });
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await toggle.click();
  const expand = page.getByRole("button", { name: "Expand sidebar" });
  await expect(expand).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByRole("complementary", { name: "Sidebar" })).toHaveCSS("width", "64px");
  await page.screenshot({ path: screenshotPath("sidebar-collapsed"), fullPage: true });
  await expand.click();
  await expect(page.getByRole("button", { name: "Collapse sidebar" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in works as a plain form and pages render on the server", async ({ page }) => {
    const { admin } = serverState();
    await page.goto("/logs");
    await expect(page).toHaveURL(/\/signin\?return_to=%2Flogs$/);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("wrong password, no js");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/logs$/);
    await expect(page.getByRole("heading", { name: "Logs" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Filter events" })).toBeVisible();
  });
});
