// Starts Tessera on a free port with a throw-away SQLite database, captures the one-time
// password it prints on first start, and adds a second admin (through the CLI) that the other
// tests sign in with. Everything tests need is written to .state/server.json.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { OP_CLIENTS, startOpenIdProvider, startStandIn } from "./identity-providers";

export const STATE_DIR = resolve(import.meta.dirname, "..", ".state");

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(url: string, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Tessera did not answer ${url}/healthz within ${ms} ms`);
}

export default async function globalSetup() {
  const bin = process.env.TESSERA_BIN;
  if (!bin) throw new Error("TESSERA_BIN must point at the built tessera binary (make test sets it)");
  const repo = resolve(import.meta.dirname, "..", "..");
  const dataDir = mkdtempSync(join(tmpdir(), "tessera-e2e-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    TESSERA_LISTEN: `127.0.0.1:${port}`,
    TESSERA_PUBLIC_URL: baseURL,
    DATABASE_URL: `sqlite://${dataDir}/tessera.db`,
    TESSERA_MASTER_KEY: randomBytes(32).toString("base64"),
    TESSERA_ALLOW_PRIVATE_NETWORK: "1",
    TESSERA_ADMIN_EMAIL: "",
    TESSERA_ADMIN_PASSWORD: "",
    LEPTOS_SITE_ROOT: join(repo, "target", "site"),
    RUST_LOG: process.env.RUST_LOG ?? "info",
  };

  const server = spawn(bin, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  const onePassword = new Promise<{ email: string; password: string }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no one-time password printed:\n${printed}`)), 30_000);
    server.stderr.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      process.env.E2E_DEBUG && process.stderr.write(chunk);
      const email = /email:\s+(\S+)/.exec(printed);
      const password = /one-time password:\s+(\S+)/.exec(printed);
      if (email && password) {
        clearTimeout(timer);
        ok({ email: email[1], password: password[1] });
      }
    });
    server.once("exit", (code) => fail(new Error(`tessera exited with ${code}:\n${printed}`)));
  });
  server.stdout.on("data", (c: Buffer) => process.env.E2E_DEBUG && process.stdout.write(c));
  const firstAdmin = await onePassword;
  await waitForHealth(baseURL, 30_000);

  // A second admin with a known password, for every test but the one-time-password one.
  const admin = { email: "e2e@example.com", password: "e2e-password-" + randomBytes(6).toString("hex") };
  const created = spawnSync(bin, ["admin", "create", "--email", admin.email, "--password-stdin"], {
    env, input: admin.password + "\n", encoding: "utf8",
  });
  if (created.status !== 0) throw new Error(`tessera admin create failed: ${created.stderr}`);

  // A Management API token, for tests that set up many connections quickly.
  const token = spawnSync(bin, ["token", "create", "--name", "e2e"], { env, encoding: "utf8" });
  if (token.status !== 0) throw new Error(`tessera token create failed: ${token.stderr}`);
  const apiToken = token.stdout.trim().split("\n").pop();

  // A private_key_jwt connection is made first: the provider must know its public key at start.
  const opPort = await freePort();
  const opIssuer = `http://127.0.0.1:${opPort}`;
  const pkjwt = await fetch(`${baseURL}/api/v2/connections`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify({ strategy: "oidc", name: "e2e-back-pkjwt", options: { type: "back_channel", issuer: opIssuer,
      authorization_endpoint: `${opIssuer}/auth`, token_endpoint: `${opIssuer}/token`, jwks_uri: `${opIssuer}/jwks`,
      userinfo_endpoint: `${opIssuer}/me`, client_id: OP_CLIENTS.pkjwt.id, token_endpoint_auth_method: "private_key_jwt",
      connection_settings: { pkce: "S256" }, scope: "openid email profile" } }),
  });
  if (pkjwt.status !== 201) throw new Error(`private_key_jwt connection: ${pkjwt.status} ${await pkjwt.text()}`);
  const pkjwtJwks = (await pkjwt.json()).options.client_public_jwks;
  const op = await startOpenIdProvider(opPort, `${baseURL}/login/callback`, pkjwtJwks);
  const standIn = await startStandIn(await freePort());
  const closedPort = await freePort(); // nothing listens there

  mkdirSync(STATE_DIR, { recursive: true });
  mkdirSync(join(import.meta.dirname, "..", "screenshots"), { recursive: true });
  writeFileSync(join(STATE_DIR, "server.json"), JSON.stringify({ baseURL, firstAdmin, admin, dataDir, pid: server.pid, apiToken,
    opIssuer: op.issuer, standIn: standIn.base, closedPort }, null, 2));
  process.env.BASE_URL = baseURL;
  (globalThis as any).__tessera = server;
  (globalThis as any).__identityProviders = [op, standIn];
}
