// The Roles pages: the list (links only), Create Role with the rule's message, and a role's page
// where it is renamed and, once its name is typed, deleted. Opened cold they ship no wasm (their
// forms post and come back); reached from a hydrated page they are the dashboard's own routes.
import { test, expect } from "@playwright/test";
import { hydrated, screenshotPath, signIn, withoutJavaScript } from "../support/tessera";

test("roles are created, renamed and deleted on their pages", async ({ page }) => {
  await signIn(page, "/roles");
  await hydrated(page);
  await page.getByRole("link", { name: "Create Role" }).click();
  await expect(page.getByRole("heading", { name: "Create Role", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Name").fill("Auditor");
  await page.getByLabel("Description").fill("Reads the logs");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("Role Auditor created")).toBeVisible();
  await expect(page).toHaveURL(/\/roles\/rol_[A-Za-z0-9]+$/);
  await expect(page.getByRole("heading", { name: "Auditor", level: 1 })).toBeVisible();
  await page.screenshot({ path: screenshotPath("role-created") });

  // A taken name is named under the field, and nothing is created.
  await page.goto("/roles/new");
  await hydrated(page);
  await page.getByLabel("Name").fill("auditor");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("a role with this name exists")).toBeVisible();
  // What was typed comes back with the message, and the error leaves the address bar.
  await expect(page.getByLabel("Name")).toHaveValue("auditor");
  await expect(page).toHaveURL(/\/roles\/new$/);
  const wasm = () => page.evaluate(() => performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".wasm")).length);
  expect(await wasm(), "wasm files a cold Create Role page loaded").toBe(0);
  await page.screenshot({ path: screenshotPath("role-create"), fullPage: true });

  await page.goto("/roles");
  await expect(page.getByRole("row", { name: /Auditor/ })).toContainText("Reads the logs");
  await page.screenshot({ path: screenshotPath("roles"), fullPage: true });
  await page.getByRole("link", { name: "Auditor", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Auditor", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Name").fill("Compliance Auditor");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Role Compliance Auditor saved")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Compliance Auditor", level: 1 })).toBeVisible();
  expect(await wasm(), "wasm files a cold role's page loaded").toBe(0);

  // Deleting needs the role's name typed: a wrong one is refused and the role stays.
  await page.getByLabel("Type Compliance Auditor to confirm.").fill("Auditor");
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(page.getByText("type Compliance Auditor to confirm", { exact: true })).toBeVisible();
  await page.screenshot({ path: screenshotPath("role"), fullPage: true });
  await page.getByLabel("Type Compliance Auditor to confirm.").fill("Compliance Auditor");
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(page.getByText("Role Compliance Auditor deleted")).toBeVisible();
  await expect(page).toHaveURL(/\/roles$/);
  await expect(page.getByRole("link", { name: "Compliance Auditor", exact: true })).toHaveCount(0);
});

test("an unknown role's page says so", async ({ page }) => {
  await signIn(page, "/roles/rol_doesnotexist0000");
  await expect(page.getByRole("alert")).toContainText("The role does not exist");
  await expect(page.getByRole("link", { name: "← Roles" })).toBeVisible();
});

test("with the dashboard hydrated, a role is created and deleted in place", async ({ page }) => {
  await signIn(page, "/connections/enterprise/oidc/new");
  await hydrated(page);
  // A mark on this document: a page loaded again would not have it.
  await page.evaluate(() => { (window as any).__sameDocument = true; });
  await page.getByRole("link", { name: "Roles", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Create Role" }).click();
  await page.getByLabel("Name").fill("Hydrated Reviewer");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("Role Hydrated Reviewer created")).toBeVisible();
  await expect(page).toHaveURL(/\/roles\/rol_[A-Za-z0-9]+$/);
  await page.getByLabel("Type Hydrated Reviewer to confirm.").fill("Hydrated Reviewer");
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(page.getByText("Role Hydrated Reviewer deleted")).toBeVisible();
  await expect(page).toHaveURL(/\/roles$/);
  // Every step ran in the page the Settings load hydrated: no document was loaded again.
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("without JavaScript a role is created, refused with the rule and deleted", async ({ page, browser }) => {
  const p = await withoutJavaScript(page, browser, "/roles/new");
  await p.getByLabel("Name").fill("No Script");
  await p.getByRole("button", { name: "Create", exact: true }).click();
  await expect(p).toHaveURL(/\/roles\/rol_[A-Za-z0-9]+$/);
  await expect(p.getByText("Role No Script created")).toBeVisible();
  await p.getByLabel("Type No Script to confirm.").fill("no script");
  await p.getByRole("button", { name: "Delete role" }).click();
  await expect(p.getByText("type No Script to confirm", { exact: true })).toBeVisible();
  await p.getByLabel("Type No Script to confirm.").fill("No Script");
  await p.getByRole("button", { name: "Delete role" }).click();
  await expect(p).toHaveURL(/\/roles$/);
  await expect(p.getByText("Role No Script deleted")).toBeVisible();
  await expect(p.getByRole("link", { name: "No Script", exact: true })).toHaveCount(0);
  await p.context().close();
});
