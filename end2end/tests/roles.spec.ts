// The Roles page: create (with the rule's message), edit and delete a role in place.
import { test, expect } from "@playwright/test";
import { hydrated, screenshotPath, signIn } from "../support/tessera";

test("roles are created, renamed and deleted on the Roles page", async ({ page }) => {
  await signIn(page, "/roles");
  await hydrated(page);
  await page.getByRole("button", { name: "Create Role" }).click();
  await page.getByLabel("Name").fill("Auditor");
  await page.getByLabel("Description").fill("Reads the logs");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("Role Auditor created")).toBeVisible();
  await expect(page.getByText("Reads the logs")).toBeVisible();
  // A taken name is named under the field.
  await page.getByRole("button", { name: "Create Role" }).click();
  await page.getByLabel("Name").fill("auditor");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("a role with this name exists")).toBeVisible();
  await page.screenshot({ path: screenshotPath("roles"), fullPage: true });
  await page.getByRole("button", { name: "Create Role" }).click();

  await page.getByRole("button", { name: "Edit Auditor" }).click();
  await page.getByLabel("Name").fill("Compliance Auditor");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Role Compliance Auditor saved")).toBeVisible();
  await page.getByRole("button", { name: "Delete Compliance Auditor" }).click();
  await expect(page.getByText("Role Compliance Auditor deleted")).toBeVisible();
  await expect(page.getByRole("button", { name: "Edit Compliance Auditor" })).toHaveCount(0);
});
