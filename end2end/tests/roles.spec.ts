// The Roles pages: the list (links only), Create Role with the rule's message, and a role's page
// where it is renamed and, once its name is typed, deleted.
import { test, expect } from "@playwright/test";
import { hydrated, screenshotPath, signIn } from "../support/tessera";

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

  // A taken name is named under the field, and nothing is created.
  await page.goto("/roles/new");
  await hydrated(page);
  await page.getByLabel("Name").fill("auditor");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("a role with this name exists")).toBeVisible();
  await expect(page).toHaveURL(/\/roles\/new$/);
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
