import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

export default async function globalTeardown() {
  const server = (globalThis as any).__tessera;
  server?.kill("SIGTERM");
  for (const idp of (globalThis as any).__identityProviders ?? []) idp.close();
  try {
    const state = JSON.parse(readFileSync(join(resolve(import.meta.dirname, "..", ".state"), "server.json"), "utf8"));
    rmSync(state.dataDir, { recursive: true, force: true });
  } catch { /* nothing to clean */ }
}
