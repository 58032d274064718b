"""Auth0's Python SDK (auth0-python, unmodified) against Tessera, as a team's script would use it.

Run by tests/auth0-python.spec.ts with the tools virtualenv's python:
  TESSERA_URL=http://127.0.0.1:PORT CLIENT_ID=… CLIENT_SECRET=… OIDC_ISSUER=… python auth0_python.py
Every check is an assert; the script prints one line per step and "all checks passed" at the end.
"""
import os
import sys
from urllib.parse import urlparse

from auth0.authentication import GetToken
from auth0.management import Auth0

BASE = os.environ["TESSERA_URL"]
HOST = urlparse(BASE).netloc
RUN = os.environ.get("RUN_ID", "py")


def step(text):
    print(f"ok: {text}", flush=True)


# --- a client-credentials token, as GetToken sends it (a JSON body) -------------------------------
token = GetToken(HOST, os.environ["CLIENT_ID"], client_secret=os.environ["CLIENT_SECRET"], protocol="http").client_credentials(f"{BASE}/api/v2/")
assert token["token_type"] == "Bearer" and token["access_token"], token
step(f"GetToken.client_credentials: a Bearer token for {BASE}/api/v2/, expires_in {token['expires_in']}")
api = Auth0(base_url=f"{BASE}/api/v2", token=token["access_token"])

# --- clients: create, read, update, list both pages of an offset list, delete ---------------------
made = [api.clients.create(name=f"{RUN}-app-{i}", app_type="regular_web", callbacks=[f"https://app{i}.example.test/callback"]) for i in range(3)]
client = made[0]
assert client.client_id and client.client_secret, client
assert api.clients.get(client.client_id).name == f"{RUN}-app-0"
updated = api.clients.update(client.client_id, description="Billing portal", callbacks=["https://billing.example.test/callback"])
assert updated.description == "Billing portal" and updated.callbacks == ["https://billing.example.test/callback"], updated
first = api.clients.list(page=0, per_page=2, include_totals=True)
assert len(first.items) == 2 and first.response.total >= 3, first.response
names = [c.name for c in api.clients.list(per_page=2, include_totals=True)]  # the pager walks every page
assert all(f"{RUN}-app-{i}" in names for i in range(3)), names
assert len(names) == len(set(names)) == first.response.total, (names, first.response.total)
assert [c.name for c in api.clients.list(app_type="regular_web", is_global=False, q=f"{RUN}-app-1")] == [f"{RUN}-app-1"]
step(f"clients: create, get, update, {int(first.response.total)} listed 2 a page, filtered by app_type/is_global/q")

# --- client grants: a machine-to-machine application's grant, checkpoint paging, get by id ---------
machine = api.clients.create(name=f"{RUN}-m2m", app_type="non_interactive", grant_types=["client_credentials"])
grant = api.client_grants.create(client_id=machine.client_id, audience=f"{BASE}/api/v2/", scope=["read:users"])
assert grant.id and grant.scope == ["read:users"], grant
assert api.client_grants.get(grant.id).client_id == machine.client_id
api.client_grants.update(grant.id, scope=["read:users", "read:logs"])
assert sorted(api.client_grants.get(grant.id).scope) == ["read:logs", "read:users"]
page = api.client_grants.list(take=1, include_totals=True)
assert len(page.items) == 1 and page.response.next, page.response
every = [g.id for g in api.client_grants.list(take=1)]
assert grant.id in every and len(every) == len(set(every)) >= 2, every
assert [g.id for g in api.client_grants.list(client_id=machine.client_id)] == [grant.id]
step(f"client grants: create, get by id, update, {len(every)} listed 1 a page by take/from, filtered by client_id")

# --- connections: create, read, update, enabled clients, checkpoint paging, delete ---------------
issuer = os.environ["OIDC_ISSUER"]
connections = [
    api.connections.create(name=f"{RUN}-oidc-{i}", strategy="oidc", display_name=f"OIDC {i}", options={
        "type": "back_channel", "discovery_url": f"{issuer}/.well-known/openid-configuration",
        "client_id": "tessera-post", "client_secret": "post-secret-value", "scope": "openid profile email"})
    for i in range(3)
]
connection = connections[0]
assert connection.id.startswith("con_") and connection.options["client_secret_set"] is True
assert "client_secret" not in connection.options, "a secret is never answered"
got = api.connections.get(connection.id)
assert got.name == f"{RUN}-oidc-0" and got.options["issuer"] == issuer, got
api.connections.update(connection.id, display_name="Corporate SSO", options={**got.options, "scope": "openid email"})
got = api.connections.get(connection.id)
assert got.display_name == "Corporate SSO" and got.options["scope"] == "openid email", got
api.connections.clients.update(connection.id, request=[{"client_id": client.client_id, "status": True}, {"client_id": made[1].client_id, "status": True}])
enabled = [c.client_id for c in api.connections.clients.get(connection.id)]
assert sorted(enabled) == sorted([client.client_id, made[1].client_id]), enabled
api.connections.clients.update(connection.id, request=[{"client_id": made[1].client_id, "status": False}])
assert [c.client_id for c in api.connections.clients.get(connection.id)] == [client.client_id]
walked = [c.name for c in api.connections.list(take=2) if c.name.startswith(f"{RUN}-oidc-")]
assert walked == [f"{RUN}-oidc-{i}" for i in range(3)], walked
assert [c.name for c in api.connections.list(name=f"{RUN}-oidc-2")] == [f"{RUN}-oidc-2"]
step("connections: create, get, update (display_name, options), enabled clients on and off, listed 2 a page by take/from, by name")

# --- roles: create, read, update, name_filter, offset paging, permissions (none), delete ----------
roles = [api.roles.create(name=f"{RUN}-role-{i}", description=f"Role {i}") for i in range(3)]
role = roles[0]
assert api.roles.get(role.id).description == "Role 0"
api.roles.update(role.id, description="Billing admins")
assert api.roles.get(role.id).description == "Billing admins"
assert [r.name for r in api.roles.list(name_filter=f"{RUN}-role-1")] == [f"{RUN}-role-1"]
role_page = api.roles.list(page=0, per_page=2, include_totals=True)
assert len(role_page.items) == 2 and role_page.response.total >= 3
assert sorted(r.name for r in api.roles.list(per_page=2) if r.name.startswith(f"{RUN}-role-")) == [f"{RUN}-role-{i}" for i in range(3)]
assert list(api.roles.permissions.list(role.id)) == []
step(f"roles: create, get, update, name_filter, {int(role_page.response.total)} listed 2 a page, no permissions")

# --- organizations: create, read, update, enabled connections with totals, checkpoint paging ------
orgs = [api.organizations.create(name=f"{RUN}-org-{i}", display_name=f"Org {i}") for i in range(3)]
org = orgs[0]
assert api.organizations.get(org.id).display_name == "Org 0"
api.organizations.update(org.id, display_name="Acme Corporation")
assert api.organizations.get(org.id).display_name == "Acme Corporation"
api.organizations.enabled_connections.add(org.id, connection_id=connection.id, assign_membership_on_login=False)
listed = api.organizations.enabled_connections.list(org.id, include_totals=True)
assert [c.connection_id for c in listed.items] == [connection.id] and listed.response.total == 1, listed.response
assert listed.items[0].connection.name == f"{RUN}-oidc-0"
api.organizations.enabled_connections.update(org.id, connection.id, assign_membership_on_login=True)
assert api.organizations.enabled_connections.get(org.id, connection.id).assign_membership_on_login is True
org_names = [o.name for o in api.organizations.list(take=2) if o.name.startswith(f"{RUN}-org-")]
assert org_names == [f"{RUN}-org-{i}" for i in range(3)], org_names
api.organizations.enabled_connections.delete(org.id, connection.id)
assert list(api.organizations.enabled_connections.list(org.id)) == []
step("organizations: create, get, update, enabled connections add/list with totals/update/delete, listed 2 a page by take/from")

# --- users and logs with include_totals -------------------------------------------------------------
users = api.users.list(page=0, per_page=10, include_totals=True)
assert users.response.total >= 1 and len(users.items) == min(10, users.response.total), users.response
assert all(u.user_id and u.identities for u in users.items)
logs = api.logs.list(page=0, per_page=5, include_totals=True)
assert logs.response.total >= 1 and len(logs.items) >= 1, logs.response
assert all(l.log_id and l.date and l.type for l in logs.items)
step(f"users: {int(users.response.total)} in total; logs: {int(logs.response.total)} in total, each with log_id, date and type")

# --- errors name the resource ----------------------------------------------------------------------
for call, code in [(lambda: api.clients.get("nope"), "inexistent_client"), (lambda: api.roles.get("rol_nope"), "inexistent_role"),
                   (lambda: api.connections.get("con_nope"), "inexistent_connection")]:
    try:
        call()
        raise AssertionError(f"{code}: no error")
    except Exception as e:  # the SDK's NotFoundError
        assert getattr(e, "status_code", None) == 404 and e.body["errorCode"] == code, (code, e)
step("errors: 404 with inexistent_client / inexistent_role / inexistent_connection")

# --- delete what was made ----------------------------------------------------------------------------
api.client_grants.delete(grant.id)
for r in roles:
    api.roles.delete(r.id)
for o in orgs:
    api.organizations.delete(o.id)
for c in connections:
    api.connections.delete(c.id)
for c in made + [machine]:
    api.clients.delete(c.client_id)
assert not [c for c in api.clients.list() if c.name.startswith(f"{RUN}-")]
assert not [c for c in api.connections.list() if c.name.startswith(f"{RUN}-")]
step("delete: grants, roles, organizations, connections, clients")
print("all checks passed")
sys.exit(0)
