// Helpers shared by the tests: the server's state and signing in.
import { expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface ServerState {
  baseURL: string;
  firstAdmin: { email: string; password: string };
  admin: { email: string; password: string };
}

export function serverState(): ServerState {
  return JSON.parse(readFileSync(join(resolve(import.meta.dirname, "..", ".state"), "server.json"), "utf8"));
}

export const screenshotPath = (name: string) => resolve(import.meta.dirname, "..", "screenshots", `${name}.png`);

/** Waits until the wasm has hydrated the page (App marks <body data-hydrated>). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** Signs in as the test admin from the sign-in page the browser is on (or goes there). */
export async function signIn(page: Page, returnTo?: string) {
  const { admin } = serverState();
  if (!page.url().includes("/signin")) {
    await page.goto(returnTo ? `/signin?return_to=${encodeURIComponent(returnTo)}` : "/signin");
  }
  await hydrated(page);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}
