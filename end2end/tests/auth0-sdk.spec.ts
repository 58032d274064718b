// The official Auth0 Node SDK, unmodified, against Tessera's Management API: the current
// `ManagementClient` (auth0 7.x) and the legacy 4.x one (`auth0/legacy`). Their only setting is a
// `fetch` that sends `https://<domain>/api/v2/...` to this test server instead. No browser needed.
import { expect, test } from "@playwright/test";
import { ManagementClient } from "auth0";
import { ManagementClient as LegacyManagementClient } from "auth0/legacy";
import { serverState } from "../support/tessera";

const DOMAIN = "tenant.tessera.test";

/** A fetch that reaches the test server, recording the query of every call for the asserts. */
function pointedAtTessera(calls: string[]): typeof fetch {
  const { baseURL } = serverState();
  return (input: any, init?: any) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const local = url.replace(`https://${DOMAIN}`, baseURL);
    calls.push(`${init?.method ?? "GET"} ${new URL(local).pathname}${new URL(local).search}`);
    return fetch(local, init);
  };
}

function discoveryBody(name: string) {
  const { opIssuer } = serverState();
  return {
    name, strategy: "oidc",
    options: { type: "back_channel", discovery_url: `${opIssuer}/.well-known/openid-configuration`,
      client_id: "sdk-client", client_secret: "sdk-secret-value", scope: "openid profile email" },
  } as any;
}

function explicitBody(name: string, strategyName = "oidc") {
  return { name, strategy: strategyName, options: { type: "front_channel", issuer: "https://idp.example",
    authorization_endpoint: "https://idp.example/authorize", jwks_uri: "https://idp.example/jwks", client_id: "abc" } } as any;
}

test.describe("auth0 7.x ManagementClient", () => {
  const calls: string[] = [];
  const mgmt = () => new ManagementClient({ domain: DOMAIN, token: serverState().apiToken, fetch: pointedAtTessera(calls) } as any);

  test("creates, lists with defaults and with take/from, filters, gets with fields, updates by read-modify-write and deletes", async () => {
    const client = mgmt();
    const created = await client.connections.create(discoveryBody("sdk7-discovery"));
    expect(created.id).toMatch(/^con_/);
    expect(created.options?.client_secret_set).toBe(true);
    expect(JSON.stringify(created)).not.toContain("sdk-secret-value");
    expect(created.show_as_button).toBe(false);
    for (const n of ["sdk7-a", "sdk7-b", "sdk7-c"]) await client.connections.create(explicitBody(n));

    // list() with its defaults sends include_totals=true&take=50 and reads { connections, next }.
    calls.length = 0;
    const firstPage = await client.connections.list();
    expect(calls[0]).toContain("take=50");
    const names = firstPage.data.map((c: any) => c.name);
    expect(names).toEqual(expect.arrayContaining(["sdk7-a", "sdk7-b", "sdk7-c", "sdk7-discovery"]));

    // Paging with take: the SDK follows `next` as `from` until there is none.
    calls.length = 0;
    const seen: string[] = [];
    for await (const c of await client.connections.list({ take: 2, name: undefined })) seen.push((c as any).name);
    expect(seen).toEqual(expect.arrayContaining(["sdk7-a", "sdk7-b", "sdk7-c", "sdk7-discovery"]));
    expect(new Set(seen).size).toBe(seen.length);
    expect(calls.some((c) => c.includes("from="))).toBe(true);

    // Filters: a strategy Tessera does not have matches nothing; name finds one.
    expect((await client.connections.list({ strategy: ["samlp"] as any })).data).toEqual([]);
    expect((await client.connections.list({ strategy: ["samlp", "oidc"] as any, name: "sdk7-b" })).data.map((c: any) => c.name)).toEqual(["sdk7-b"]);

    // get with fields.
    const slim = await client.connections.get(created.id!, { fields: "id,name,strategy", include_fields: true });
    expect(Object.keys(slim).sort()).toEqual(["id", "name", "strategy"]);

    // Read-modify-write: GET, change one option, PATCH the whole options back.
    const full = await client.connections.get(created.id!);
    const updated = await client.connections.update(created.id!, { options: { ...(full.options as any), scope: "openid email" } } as any);
    expect(updated.options?.scope).toBe("openid email");
    expect(updated.options?.client_secret_set).toBe(true);

    await client.connections.delete(created.id!);
    await expect(client.connections.get(created.id!)).rejects.toMatchObject({ statusCode: 404 });
  });

  test("a bad body and a taken name reach the SDK as its typed 400 and 409 errors", async () => {
    const client = mgmt();
    await expect(client.connections.create(explicitBody("Bad Name!"))).rejects.toMatchObject({ statusCode: 400 });
    await client.connections.create(explicitBody("sdk7-taken"));
    await expect(client.connections.create(explicitBody("sdk7-taken"))).rejects.toMatchObject({ statusCode: 409 });
  });
});

test.describe("auth0 4.x (legacy) ManagementClient", () => {
  const calls: string[] = [];
  const mgmt = () => new LegacyManagementClient({ domain: DOMAIN, token: serverState().apiToken, fetch: pointedAtTessera(calls) } as any);

  test("creates, lists with defaults and with take/from, filters, gets with fields, updates by read-modify-write and deletes", async () => {
    const client = mgmt();
    const { data: created } = await client.connections.create(discoveryBody("sdk4-discovery"));
    expect(created.id).toMatch(/^con_/);
    for (const n of ["sdk4-a", "sdk4-b"]) await client.connections.create(explicitBody(n));

    const { data: all } = await client.connections.getAll();
    expect((all as any[]).map((c) => c.name)).toEqual(expect.arrayContaining(["sdk4-a", "sdk4-b", "sdk4-discovery"]));

    const seen: string[] = [];
    let from: string | undefined;
    for (let i = 0; i < 50; i++) {
      const { data } = await client.connections.getAll({ take: 2, ...(from ? { from } : {}) } as any);
      const page = data as any;
      seen.push(...page.connections.map((c: any) => c.name));
      from = page.next;
      if (!from) break;
    }
    expect(seen).toEqual(expect.arrayContaining(["sdk4-a", "sdk4-b", "sdk4-discovery"]));
    expect(new Set(seen).size).toBe(seen.length);

    const { data: none } = await client.connections.getAll({ strategy: ["samlp"] } as any);
    expect(none).toEqual([]);
    const { data: totals } = await client.connections.getAll({ strategy: ["oidc"], name: "sdk4-a", include_totals: true, per_page: 10, page: 0 } as any);
    expect((totals as any).connections.map((c: any) => c.name)).toEqual(["sdk4-a"]);

    const { data: slim } = await client.connections.get({ id: created.id, fields: "name", include_fields: true });
    expect(slim).toEqual({ name: "sdk4-discovery" });

    const { data: full } = await client.connections.get({ id: created.id });
    const { data: updated } = await client.connections.update({ id: created.id }, { options: { ...(full as any).options, scope: "openid" } } as any);
    expect((updated as any).options.scope).toBe("openid");

    await client.connections.delete({ id: created.id });
    await expect(client.connections.get({ id: created.id })).rejects.toMatchObject({ statusCode: 404 });
  });
});
