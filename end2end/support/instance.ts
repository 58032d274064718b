// Starting a Tessera: the suite's main server (global-setup) and the empty ones the Auth0 tools
// import into, each on a free port with a throw-away SQLite database; and an https reverse proxy
// on loopback with a throw-away certificate, for the tools that only speak https.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { request } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";

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

export interface Instance {
  /** Where the process listens (plain http on loopback). */
  baseURL: string;
  /** TESSERA_PUBLIC_URL: the issuer and the Management API's audience are built from it. */
  publicURL: string;
  dataDir: string;
  process: ChildProcess;
  env: NodeJS.ProcessEnv;
  /** What the server printed on stderr so far (the first start prints a one-time password). */
  printed: () => string;
  /** Runs the binary's CLI against this instance's database (e.g. `token create`). */
  cli: (args: string[], input?: string) => string;
  stop: () => void;
}

/** Starts a Tessera on a free port with an empty database; `publicURL` defaults to its own URL. */
export async function startTessera(opts: { port?: number; publicURL?: string; env?: Record<string, string> } = {}): Promise<Instance> {
  const bin = process.env.TESSERA_BIN;
  if (!bin) throw new Error("TESSERA_BIN must point at the built tessera binary (make test sets it)");
  const repo = resolve(import.meta.dirname, "..", "..");
  const dataDir = mkdtempSync(join(tmpdir(), "tessera-e2e-"));
  const port = opts.port ?? (await freePort());
  const baseURL = `http://127.0.0.1:${port}`;
  const publicURL = opts.publicURL ?? baseURL;
  const env = {
    ...process.env,
    TESSERA_LISTEN: `127.0.0.1:${port}`,
    TESSERA_PUBLIC_URL: publicURL,
    DATABASE_URL: `sqlite://${dataDir}/tessera.db`,
    TESSERA_MASTER_KEY: randomBytes(32).toString("base64"),
    TESSERA_ALLOW_PRIVATE_NETWORK: "1",
    TESSERA_ADMIN_EMAIL: "",
    TESSERA_ADMIN_PASSWORD: "",
    LEPTOS_SITE_ROOT: join(repo, "target", "site"),
    RUST_LOG: process.env.RUST_LOG ?? "info",
    ...(opts.env ?? {}),
  };
  const child = spawn(bin, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
    process.env.E2E_DEBUG && process.stderr.write(chunk);
  });
  child.stdout!.on("data", (c: Buffer) => process.env.E2E_DEBUG && process.stdout.write(c));
  const exited = new Promise<never>((_, fail) => {
    child.once("error", (e) => fail(new Error(`tessera could not start (${bin}): ${e.message}`)));
    child.once("exit", (code) => fail(new Error(`tessera exited with ${code}:\n${printed}`)));
  });
  await Promise.race([waitForHealth(baseURL, 30_000), exited]);
  const cli = (args: string[], input?: string) => {
    const out = spawnSync(bin, args, { env, input, encoding: "utf8" });
    if (out.status !== 0) throw new Error(`tessera ${args.join(" ")} failed: ${out.stderr}`);
    return out.stdout;
  };
  return {
    baseURL, publicURL, dataDir, process: child, env, printed: () => printed, cli,
    stop: () => {
      child.kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Management API token made with the CLI (every scope), for setting the scene. */
export function cliToken(instance: Instance, name: string): string {
  return instance.cli(["token", "create", "--name", name]).trim().split("\n").pop()!;
}

export interface HttpsProxy {
  port: number;
  origin: string;
  /** The throw-away certificate (PEM), for NODE_EXTRA_CA_CERTS / SSL_CERT_FILE. */
  certPath: string;
  close: () => void;
}

/** An https reverse proxy on loopback in front of `target`, with a certificate for 127.0.0.1
 * made by openssl for this run only. */
export async function httpsProxy(target: string, port?: number): Promise<HttpsProxy> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-tls-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath,
    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  const upstream = new URL(target);
  const server = createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (req, res) => {
    if (process.env.E2E_DEBUG) console.error(`[proxy ${new Date().toISOString()}] ${req.method} ${req.url}`);
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
      headers: { ...req.headers, "x-forwarded-proto": "https" } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(forward);
  });
  const listenPort = port ?? (await freePort());
  await new Promise<void>((ok) => server.listen(listenPort, "127.0.0.1", () => ok()));
  return { port: listenPort, origin: `https://127.0.0.1:${listenPort}`, certPath,
    close: () => { server.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A real SMTP server on loopback (PyPI `aiosmtpd`, from the tools virtualenv) that keeps every
 * message it receives in the Maildir `maildir`. */
export async function startMailServer(port: number, maildir: string): Promise<{ close: () => void }> {
  const python = process.env.TOOLS_PYTHON;
  if (!python) throw new Error("TOOLS_PYTHON must point at the tools virtualenv's python (make test sets it)");
  const child = spawn(python, ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Mailbox", maildir], { stdio: ["ignore", "ignore", "pipe"] });
  let printed = "";
  child.stderr!.on("data", (c: Buffer) => { printed += c.toString(); });
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const up = await new Promise<boolean>((ok) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => { socket.end(); ok(true); });
      socket.once("error", () => ok(false));
    });
    if (up) return { close: () => child.kill("SIGTERM") };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`aiosmtpd did not listen on 127.0.0.1:${port}:\n${printed}`);
}
