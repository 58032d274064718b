// Auth0's Deploy CLI (auth0-deploy-cli, unmodified) keeps a tenant's configuration in git. Here it
// imports a tenant into an empty Tessera, exports it, and imports it again. The CLI only speaks
// https to `AUTH0_DOMAIN`, so that Tessera sits behind an https reverse proxy on loopback with a
// certificate made for this run (NODE_EXTRA_CA_CERTS trusts it); its public URL is the proxy's.
import { expect, test } from "@playwright/test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { call, machineApp, managementScopes, run } from "../support/auth0-tools";
import { cliToken, freePort, httpsProxy, startTessera, type HttpsProxy, type Instance } from "../support/instance";
import { serverState } from "../support/tessera";

const yaml = createRequire(import.meta.url)("js-yaml");
const A0DEPLOY = resolve(import.meta.dirname, "..", "node_modules", ".bin", "a0deploy");

test.describe.configure({ timeout: 240_000 });

let tessera: Instance;
let proxy: HttpsProxy;
let work: string;

test.beforeAll(async () => {
  const proxyPort = await freePort();
  tessera = await startTessera({ publicURL: `https://127.0.0.1:${proxyPort}` });
  proxy = await httpsProxy(tessera.baseURL, proxyPort);
  work = mkdtempSync(join(tmpdir(), "tessera-deploy-cli-"));
});

test.afterAll(() => {
  proxy?.close();
  tessera?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The tenant as a team keeps it in git: what Tessera has of Auth0's tenant configuration. */
function tenant(audience: string) {
  const { standIn } = serverState();
  return {
    clients: [
      { name: "Demo SPA", app_type: "spa", callbacks: ["http://127.0.0.1:5173/callback"], allowed_logout_urls: ["http://127.0.0.1:5173/"],
        web_origins: ["http://127.0.0.1:5173"], allowed_origins: ["http://127.0.0.1:5173"], grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "none" },
      { name: "Backend M2M", app_type: "non_interactive", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post" },
    ],
    clientGrants: [{ client_id: "Backend M2M", audience, scope: ["read:users", "read:logs"] }],
    connections: [
      { name: "corp-oidc", strategy: "oidc", display_name: "Corp SSO", enabled_clients: ["Demo SPA"],
        options: { type: "back_channel", client_id: "upstream-client", client_secret: "upstream-secret", issuer: "https://idp.example.test/",
          authorization_endpoint: "https://idp.example.test/authorize", token_endpoint: "https://idp.example.test/token",
          jwks_uri: "https://idp.example.test/jwks", scope: "openid profile email" } },
      { name: "okta-corp", strategy: "okta", display_name: "Okta", enabled_clients: ["Backend M2M", "Demo SPA"],
        options: { client_id: "okta-client", client_secret: "okta-secret", domain: `${standIn}/oauth2/default`, scope: "openid profile email" } },
    ],
    roles: [
      { name: "Admin", description: "Administrators", permissions: [] },
      { name: "Reader", description: "Read only", permissions: [] },
    ],
    organizations: [
      { name: "acme", display_name: "Acme Inc", connections: [{ name: "corp-oidc", assign_membership_on_login: true, show_as_button: true, is_enabled: true }] },
    ],
  };
}

function config(app: { client_id: string; client_secret: string }) {
  const path = join(work, "config.json");
  writeFileSync(path, JSON.stringify({
    AUTH0_DOMAIN: `127.0.0.1:${proxy.port}`,
    AUTH0_CLIENT_ID: app.client_id,
    AUTH0_CLIENT_SECRET: app.client_secret,
    AUTH0_INCLUDED_ONLY: ["clients", "connections", "clientGrants", "roles", "organizations"],
    AUTH0_ALLOW_DELETE: false,
  }));
  return path;
}

async function a0deploy(args: string[]) {
  const out = await run(A0DEPLOY, args, { cwd: work, env: { ...process.env, NODE_EXTRA_CA_CERTS: proxy.certPath, AUTH0_DEBUG: process.env.AUTH0_DEBUG ?? "false" } });
  expect(out.code, `a0deploy ${args.join(" ")}\n${out.stdout}\n${out.stderr}`).toBe(0);
  return out;
}

/** The named item of an exported section. */
function named(section: any[] | undefined, name: string) {
  const found = (section ?? []).find((x) => x.name === name);
  if (!found) throw new Error(`${name} is missing from the export`);
  return found;
}

/** Every field the import set is exported with the same value; a secret comes back only as
 * `client_secret_set` (Tessera never answers with a secret, see the README). */
function expectExportedAsImported(imported: any, exported: any) {
  for (const section of ["clients", "clientGrants", "connections", "roles", "organizations"]) {
    const key = section === "clientGrants" ? "client_id" : "name";
    const names = (exported[section] ?? []).map((x: any) => x[key]).filter((n: string) => n !== "Deploy CLI").sort();
    expect(names, section).toEqual(imported[section].map((x: any) => x[key]).sort());
    for (const item of imported[section]) {
      const out = (exported[section] as any[]).find((x) => x[key] === item[key]);
      for (const [field, value] of Object.entries<any>(item)) {
        if (field === "options") {
          const { client_secret, ...rest } = value;
          expect(out.options, `${section} ${item[key]} options`).toMatchObject(rest);
          if (client_secret) expect(out.options.client_secret_set).toBe(true);
          expect(out.options.client_secret).toBeUndefined();
        } else if (field === "enabled_clients") {
          expect([...out.enabled_clients].sort(), `${section} ${item[key]} enabled_clients`).toEqual([...value].sort());
        } else {
          expect(out[field], `${section} ${item[key]} ${field}`).toEqual(value);
        }
      }
    }
  }
}

test("the Deploy CLI imports a tenant into an empty Tessera, exports it as imported, and a second import changes nothing", async () => {
  const token = cliToken(tessera, "deploy-setup");
  const audience = `${proxy.origin}/api/v2/`;
  const deployer = await machineApp(tessera.baseURL, token, "Deploy CLI", audience, await managementScopes(tessera.baseURL));
  const configPath = config(deployer);
  const imported = tenant(audience);
  writeFileSync(join(work, "tenant.yaml"), yaml.dump(imported));

  const first = await a0deploy(["import", "-c", configPath, "-i", "tenant.yaml"]);
  expect(first.stdout).toContain("Import Successful");
  for (const created of ["Created [clients]", "Created [connections]", "Created [clientGrants]", "Created [roles]", "Created [organizations]"]) {
    expect(first.stdout).toContain(created);
  }
  await a0deploy(["export", "-c", configPath, "-f", "yaml", "-o", "export1"]);
  const exportText = readFileSync(join(work, "export1", "tenant.yaml"), "utf8");
  const exported = yaml.load(exportText);
  expectExportedAsImported(imported, exported);
  expect(exportText).not.toContain("upstream-secret");
  expect(exportText).not.toContain("okta-secret");

  // What Tessera holds, seen through its own API: the enabled clients and the organization's connection.
  const connections = (await call(tessera.baseURL, token, "GET", "/connections")) as any[];
  const okta = connections.find((c) => c.name === "okta-corp");
  expect(okta.enabled_clients).toHaveLength(2);
  const orgs = await call(tessera.baseURL, token, "GET", "/organizations");
  const acme = (Array.isArray(orgs) ? orgs : orgs.organizations).find((o: any) => o.name === "acme");
  const orgConnections = await call(tessera.baseURL, token, "GET", `/organizations/${acme.id}/enabled_connections`);
  expect(orgConnections.map((c: any) => c.connection.name)).toEqual(["corp-oidc"]);

  // The same directory again: every item is matched, nothing is created, nothing changes.
  const second = await a0deploy(["import", "-c", configPath, "-i", "tenant.yaml"]);
  expect(second.stdout).not.toContain("Created [");
  await a0deploy(["export", "-c", configPath, "-f", "yaml", "-o", "export2"]);
  expect(readFileSync(join(work, "export2", "tenant.yaml"), "utf8")).toBe(exportText);

  // An export is itself an import: applied back (as a team does after committing it), it changes nothing.
  await a0deploy(["import", "-c", configPath, "-i", join("export1", "tenant.yaml")]);
  await a0deploy(["export", "-c", configPath, "-f", "yaml", "-o", "export3"]);
  expect(readFileSync(join(work, "export3", "tenant.yaml"), "utf8")).toBe(exportText);
});
