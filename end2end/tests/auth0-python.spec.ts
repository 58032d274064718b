// Auth0's Python SDK (auth0-python, unmodified, from the tools virtualenv) against Tessera: its
// GetToken gets a client-credentials token, and its management client lists (both paging
// styles), creates, reads, updates and deletes what Tessera has. The script is
// support/auth0_python.py; a user signs in first so that users and logs have something to list.
import { expect, test } from "@playwright/test";
import { resolve } from "node:path";
import { machineApp, managementScopes, run } from "../support/auth0-tools";
import { OP_CLIENTS } from "../support/identity-providers";
import { application, discoveryConnection, signInThrough } from "../support/applications";
import { serverState } from "../support/tessera";

test("auth0-python's GetToken and management client work against Tessera unmodified", async ({ page }) => {
  test.setTimeout(120_000);
  const python = process.env.TOOLS_PYTHON;
  if (!python) throw new Error("TOOLS_PYTHON must point at the tools virtualenv's python (make test sets it)");
  const { baseURL, apiToken, opIssuer } = serverState();

  const connection = await discoveryConnection("python-signin", { type: "back_channel", client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret });
  await signInThrough(page, "python-signin", await application("Python Sign-in", connection.id), "pia");

  const app = await machineApp(baseURL, apiToken, "auth0-python", `${baseURL}/api/v2/`, await managementScopes(baseURL));
  const out = await run(python, [resolve(import.meta.dirname, "..", "support", "auth0_python.py")], {
    env: { ...process.env, TESSERA_URL: baseURL, CLIENT_ID: app.client_id, CLIENT_SECRET: app.client_secret, OIDC_ISSUER: opIssuer, RUN_ID: "py" },
  });
  expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
  expect(out.stdout).toContain("all checks passed");
  console.log(out.stdout.trim());
});
