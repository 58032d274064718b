// Organizations in the dashboard, for the specs that need one.
import { expect, type Page } from "@playwright/test";
import { hydrated } from "./tessera";

/** Creates an organization on the Organizations page and waits for its own page. */
export async function createOrganization(page: Page, name: string, displayName: string) {
  await page.goto("/organizations");
  await hydrated(page);
  // The list ships no wasm on a cold load: "Create Organization" opens its own page (no wasm either).
  await page.getByRole("link", { name: "Create Organization" }).click();
  await expect(page.getByRole("heading", { name: "Create Organization", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Display Name").fill(displayName);
  await page.getByRole("button", { name: "Add Organization" }).click();
  await expect(page.getByRole("heading", { name: displayName, level: 1 })).toBeVisible();
  await hydrated(page);
  // Create Organization ships no wasm: its post came back as the organization's page, which
  // shows the toast the server left for it and keeps it once hydrated.
  await expect(page.getByText(`Organization ${displayName} created`)).toBeVisible();
}
