// The Settings page: Login Session Management (checked, saved, shown again) and the signing keys
// (listed, rotated with a confirmation; the JWKS then publishes old and new keys). Opened cold it
// ships no wasm; reached from a hydrated page its forms answer in place.
import { expect, test } from "@playwright/test";
import { hydrated, screenshotPath, serverState, signIn } from "../support/tessera";

test("session lifetimes are checked and saved, and rotating the signing keys keeps the old ones published", async ({ page }) => {
  const { baseURL } = serverState();
  await signIn(page, "/settings");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByLabel("Inactivity timeout")).toHaveValue("4320");
  await expect(page.getByLabel("Require log in after")).toHaveValue("10080");
  await page.screenshot({ path: screenshotPath("settings"), fullPage: true });

  await page.getByLabel("Inactivity timeout").fill("20000");
  await page.getByLabel("Require log in after").fill("10000");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("may not be longer than Require log in after")).toBeVisible();
  // A cold Settings page ships no wasm: the refused post came back as the page, with what was typed.
  await expect(page.getByLabel("Inactivity timeout")).toHaveValue("20000");
  await expect(page.getByLabel("Require log in after")).toHaveValue("10000");
  await page.screenshot({ path: screenshotPath("settings-error"), fullPage: true });
  await page.getByLabel("Inactivity timeout").fill("600");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Inactivity timeout")).toHaveValue("600");
  await expect(page.getByLabel("Require log in after")).toHaveValue("10000");

  const before = (await (await fetch(`${baseURL}/.well-known/jwks.json`)).json()).keys.map((k: any) => k.kid);
  await expect(page.getByText("Signing", { exact: true })).toHaveCount(2);
  // The confirmation is a link (`?confirm=rotate`): Cancel closes it and nothing is rotated.
  await page.getByRole("link", { name: "Rotate signing keys" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("stay published for 24 hours");
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(page.getByText(/^Leaves the JWKS /)).toHaveCount(0);
  await page.getByRole("link", { name: "Rotate signing keys" }).click();
  await expect(page.getByRole("button", { name: "Rotate now" })).toBeFocused();
  await page.screenshot({ path: screenshotPath("settings-rotate-confirm"), fullPage: true });
  await page.getByRole("button", { name: "Rotate now" }).click();
  await expect(page.getByText("Signing keys rotated")).toBeVisible();
  await expect(page.getByText(/^Leaves the JWKS /)).toHaveCount(before.length);
  await expect(page.getByText("Signing", { exact: true })).toHaveCount(2);
  await page.screenshot({ path: screenshotPath("settings-rotated"), fullPage: true });
  const after = (await (await fetch(`${baseURL}/.well-known/jwks.json`)).json()).keys.map((k: any) => k.kid);
  expect(after).toEqual(expect.arrayContaining(before));
  expect(after.length).toBe(before.length + 2);

  // Back to Auth0's defaults for the tests that follow.
  await page.getByLabel("Inactivity timeout").fill("4320");
  await page.getByLabel("Require log in after").fill("10080");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
});

test("with the dashboard hydrated, Settings saves and rotates in place", async ({ page }) => {
  await signIn(page, "/connections/enterprise/oidc/new");
  await hydrated(page);
  await page.evaluate(() => { (window as any).__sameDocument = true; });
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByLabel("Inactivity timeout")).toHaveValue("4320");
  await page.getByLabel("Inactivity timeout").fill("4320");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.getByRole("link", { name: "Rotate signing keys" }).click();
  await expect(page).toHaveURL(/\/settings\?confirm=rotate$/);
  const before = await page.getByText(/^Leaves the JWKS /).count();
  await page.getByRole("button", { name: "Rotate now" }).click();
  await expect(page.getByText("Signing keys rotated")).toBeVisible();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByText(/^Leaves the JWKS /)).toHaveCount(before + 2);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});
