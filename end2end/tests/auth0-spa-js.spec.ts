// Auth0's SPA SDK (@auth0/auth0-spa-js, unmodified, its UMD bundle) in Chromium, on a page served
// from a second loopback origin, with Tessera as its `domain`: loginWithRedirect through an OpenID
// Connect connection to the suite's identity provider, handleRedirectCallback, getUser,
// getTokenSilently from the cache, with a refresh token and by hidden iframe (web_message), then
// logout, after which a silent call answers login_required.
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { freePort } from "../support/instance";
import { OP_CLIENTS } from "../support/identity-providers";
import { application, discoveryConnection } from "../support/applications";
import { screenshotPath, serverState } from "../support/tessera";

const bundle = readFileSync(createRequire(import.meta.url).resolve("@auth0/auth0-spa-js/dist/auth0-spa-js.production.js"), "utf8");

/** The single-page application: one page at / (it is also the callback), and the SDK's bundle. */
function page(settings: { domain: string; clientId: string; connection: string }) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Demo SPA</title>
<script src="/auth0-spa-js.production.js"></script></head>
<body><h1>Demo SPA</h1><p id="who">Signed out</p>
<script>
  const settings = ${JSON.stringify(settings)};
  // One client per way of getting tokens; the cache is localStorage so it outlives a redirect.
  window.spa = (refresh) => auth0.createAuth0Client({
    domain: settings.domain, clientId: settings.clientId, cacheLocation: "localstorage", useRefreshTokens: refresh,
    useRefreshTokensFallback: false,
    authorizationParams: { redirect_uri: location.origin + "/", connection: settings.connection,
      scope: refresh ? "openid profile email offline_access" : "openid profile email" },
  });
</script></body></html>`;
}

async function serveSpa(settings: { domain: string; clientId: string; connection: string }, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if ((req.url ?? "").startsWith("/auth0-spa-js.production.js")) {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(bundle);
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(page(settings));
  });
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", () => ok()));
  return server;
}

/** Calls into the page, tolerating a navigation the call itself starts. */
async function startNavigation(p: Page, fn: () => Promise<unknown>) {
  await p.evaluate(fn).catch((e) => {
    if (!String(e).includes("Execution context was destroyed") && !String(e).includes("navigation")) throw e;
  });
}

test("auth0-spa-js signs in through Tessera, gets tokens from the cache, by refresh token and by iframe, and logs out", async ({ page }) => {
  test.setTimeout(90_000);
  const { baseURL, opIssuer } = serverState();
  const spaPort = await freePort();
  const spa = `http://127.0.0.1:${spaPort}`;
  const connection = await discoveryConnection("spa-oidc", { type: "back_channel", client_id: OP_CLIENTS.post.id, client_secret: OP_CLIENTS.post.secret });
  const app = await application("Demo SPA", connection.id, {
    app_type: "spa", token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"],
    callbacks: [`${spa}/`], allowed_logout_urls: [`${spa}/`], web_origins: [spa], allowed_origins: [spa],
  });
  const server = await serveSpa({ domain: baseURL, clientId: app.client_id, connection: "spa-oidc" }, spaPort);
  const tokenCalls: string[] = [];
  const silentAuthorizes: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(`${baseURL}/oauth/token`) && r.method() === "POST") tokenCalls.push(r.postData() ?? "");
    if (r.url().startsWith(`${baseURL}/authorize`) && r.url().includes("response_mode=web_message")) silentAuthorizes.push(r.url());
  });

  try {
    // loginWithRedirect: to Tessera, on to the identity provider, back to the SPA with a code.
    await page.goto(`${spa}/`);
    await startNavigation(page, async () => (await (window as any).spa(true)).loginWithRedirect());
    await page.waitForURL((u) => u.href.startsWith(opIssuer));
    await page.locator("input[name=login]").fill("sam");
    await page.locator("input[name=password]").fill("any password");
    await page.locator("button[type=submit]").click();
    await page.waitForURL((u) => u.href.startsWith(`${spa}/?`) && u.searchParams.has("code"));

    // handleRedirectCallback exchanges the code at /oauth/token (a CORS request), then getUser.
    const user = await page.evaluate(async () => {
      const client = await (window as any).spa(true);
      await client.handleRedirectCallback();
      const u = await client.getUser();
      document.getElementById("who")!.textContent = `Signed in as ${u.email}`;
      return u;
    });
    expect(user.sub).toBe("oidc|spa-oidc|sam");
    expect(user.email).toBe("sam@example.test");
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]).toContain("authorization_code");
    await page.screenshot({ path: screenshotPath("spa-signed-in"), fullPage: true });

    // getTokenSilently: from the cache first (no call), then with the refresh token.
    const tokens = await page.evaluate(async () => {
      const client = await (window as any).spa(true);
      const cached = await client.getTokenSilently();
      const refreshed = await client.getTokenSilently({ cacheMode: "off" });
      return { cached, refreshed };
    });
    expect(tokens.cached).toBeTruthy();
    expect(tokenCalls).toHaveLength(2);
    expect(tokenCalls[1]).toContain("refresh_token");
    expect(tokens.refreshed).not.toBe(tokens.cached);

    // By hidden iframe: /authorize?prompt=none&response_mode=web_message, framed by the SPA's origin.
    const framed = await page.evaluate(async () => (await (window as any).spa(false)).getTokenSilently({ cacheMode: "off" }));
    expect(framed).toBeTruthy();
    expect(silentAuthorizes).toHaveLength(1);
    expect(silentAuthorizes[0]).toContain("prompt=none");
    const userinfo = await page.evaluate(async ([url, token]) => (await fetch(`${url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).json(),
      [baseURL, framed]);
    expect(userinfo.sub).toBe("oidc|spa-oidc|sam");

    // logout: /v2/logout ends the session and comes back to the SPA.
    await startNavigation(page, async () => (await (window as any).spa(true)).logout({ logoutParams: { returnTo: `${location.origin}/` } }));
    await page.waitForURL(`${spa}/`);
    const after = await page.evaluate(async () => {
      try {
        await (await (window as any).spa(false)).getTokenSilently({ cacheMode: "off" });
        return "a token";
      } catch (e: any) {
        return e.error;
      }
    });
    expect(after).toBe("login_required");
    expect(silentAuthorizes).toHaveLength(2);
  } finally {
    server.close();
  }
});
