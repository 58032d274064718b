// Starts Tessera on a free port with a throw-away SQLite database, captures the one-time
// password it prints on first start, and adds a second admin (through the CLI) that the other
// tests sign in with. Everything tests need is written to .state/server.json.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair } from "jose";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { OP_CLIENTS, startOpenIdProvider, startStandIn } from "./identity-providers";
import { cliToken, freePort, startMailServer, startTessera } from "./instance";

export const STATE_DIR = resolve(import.meta.dirname, "..", ".state");
export { freePort };

export default async function globalSetup() {
  // A mail server, so "Invite IT admin" can send setup links by email.
  mkdirSync(STATE_DIR, { recursive: true });
  const maildir = join(STATE_DIR, "maildir");
  rmSync(maildir, { recursive: true, force: true });
  const smtpPort = await freePort();
  const mail = await startMailServer(smtpPort, maildir);
  const server = await startTessera({ env: { TESSERA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, TESSERA_SMTP_FROM: "Tessera <no-reply@tessera.test>" } });
  const { baseURL, dataDir } = server;
  const until = Date.now() + 30_000;
  let firstAdmin: { email: string; password: string } | null = null;
  while (!firstAdmin && Date.now() < until) {
    const email = /email:\s+(\S+)/.exec(server.printed());
    const password = /one-time password:\s+(\S+)/.exec(server.printed());
    if (email && password) firstAdmin = { email: email[1], password: password[1] };
    else await new Promise((r) => setTimeout(r, 50));
  }
  if (!firstAdmin) throw new Error(`no one-time password printed:\n${server.printed()}`);

  // A second admin with a known password, for every test but the one-time-password one.
  const admin = { email: "e2e@example.com", password: "e2e-password-" + randomBytes(6).toString("hex") };
  server.cli(["admin", "create", "--email", admin.email, "--password-stdin"], admin.password + "\n");

  // A Management API token, for tests that set up many connections quickly.
  const apiToken = cliToken(server, "e2e");

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
  // A second Tessera behind an https proxy (for Auth0's auth-js, which speaks only https) is
  // started by the token vault spec on this port; the provider knows its callback from the start.
  const vaultProxyPort = await freePort();
  // The provider signs with a key the tests hold too, so a test can sign what the provider
  // would send Tessera besides ID tokens (a Global Token Revocation request).
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const opSigningKey = { ...(await exportJWK(privateKey)), kid: "e2e-op-key", alg: "RS256", use: "sig" };
  const op = await startOpenIdProvider(opPort, `${baseURL}/login/callback`, pkjwtJwks, `https://127.0.0.1:${vaultProxyPort}/login/callback`, opSigningKey);
  const standIn = await startStandIn(await freePort());
  const closedPort = await freePort(); // nothing listens there

  mkdirSync(STATE_DIR, { recursive: true });
  mkdirSync(join(import.meta.dirname, "..", "screenshots"), { recursive: true });
  writeFileSync(join(STATE_DIR, "server.json"), JSON.stringify({ baseURL, firstAdmin, admin, dataDir, pid: server.process.pid, apiToken,
    opIssuer: op.issuer, standIn: standIn.base, closedPort, vaultProxyPort, opSigningKey, maildir }, null, 2));
  process.env.BASE_URL = baseURL;
  (globalThis as any).__tessera = server.process;
  (globalThis as any).__identityProviders = [op, standIn, mail];
}
