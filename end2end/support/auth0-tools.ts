// What the Auth0-tool specs share: a caller for an instance's Management API, the scopes the API
// asks for (read from its own OpenAPI document), and running a command with its output kept.
import { spawn } from "node:child_process";

export async function call(baseURL: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${baseURL}/api/v2${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Every scope an operation of the Management API requires, from `/api/v2/openapi.json`. */
export async function managementScopes(baseURL: string): Promise<string[]> {
  const doc = await (await fetch(`${baseURL}/api/v2/openapi.json`)).json();
  const scopes = new Set<string>();
  for (const item of Object.values<any>(doc.paths)) {
    for (const op of Object.values<any>(item)) {
      for (const requirement of op.security ?? []) for (const list of Object.values<string[]>(requirement)) list.forEach((s) => scopes.add(s));
    }
  }
  return [...scopes].sort();
}

/** A machine-to-machine application with a grant of `scopes` on the Management API at `audience`. */
export async function machineApp(baseURL: string, token: string, name: string, audience: string, scopes: string[]) {
  const app = await call(baseURL, token, "POST", "/clients", { name, app_type: "non_interactive", grant_types: ["client_credentials"],
    token_endpoint_auth_method: "client_secret_post" });
  await call(baseURL, token, "POST", "/client-grants", { client_id: app.client_id, audience, scope: scopes });
  return app as { client_id: string; client_secret: string };
}

export interface Run { code: number | null; stdout: string; stderr: string }

/** Runs a command to its end (no shell), keeping what it printed. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); process.env.E2E_DEBUG && process.stdout.write(c); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); process.env.E2E_DEBUG && process.stderr.write(c); });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.once("error", fail);
    child.once("exit", (code) => { clearTimeout(timer); ok({ code, stdout, stderr }); });
  });
}
