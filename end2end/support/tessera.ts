// Helpers shared by the tests: the server's state and signing in.
import { expect, type Browser, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface ServerState {
  baseURL: string;
  /** The server's data directory (its SQLite file is tessera.db there). */
  dataDir: string;
  firstAdmin: { email: string; password: string };
  admin: { email: string; password: string };
  apiToken: string;
  opIssuer: string;
  standIn: string;
  closedPort: number;
  /** Where the token vault spec's https Tessera listens (its callback is registered at the provider). */
  vaultProxyPort: number;
  /** The suite's provider's signing key (a private JWK; tests sign as the provider with it). */
  opSigningKey: Record<string, string>;
  /** The Maildir where the suite's mail server keeps what Tessera sends (new/ holds the messages). */
  maildir: string;
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

/** The signed-in admin's session in a new browser context with JavaScript turned off, at `path`. */
export async function withoutJavaScript(page: Page, browser: Browser, path: string): Promise<Page> {
  await signIn(page, path);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const noScript = await context.newPage();
  await noScript.goto(path);
  return noScript;
}

/** Creates a connection through the Management API (for setting the scene quickly). */
export async function createViaApi(body: unknown): Promise<any> {
  const { baseURL, apiToken } = serverState();
  const res = await fetch(`${baseURL}/api/v2/connections`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** An explicit-settings OpenID Connect body (no discovery needed). */
export function explicitBody(name: string, extra: Record<string, unknown> = {}) {
  return { strategy: "oidc", name, options: { type: "front_channel", issuer: "https://idp.example",
    authorization_endpoint: "https://idp.example/authorize", jwks_uri: "https://idp.example/jwks", client_id: "abc", ...extra } };
}
