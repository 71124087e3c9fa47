"""Drives every Administration API method orgplane implements through the official `openai` Python SDK.

Launched by test/sdk-python.test.ts against a running orgplane (one per database). Environment:
  ORGPLANE_BASE_URL   e.g. http://127.0.0.1:1234/v1
  ORGPLANE_ADMIN_KEY  the bootstrap admin key
  ORGPLANE_CERT_A/B   two self-signed PEM certificates
  ORGPLANE_SDK_LOG    file that receives one JSON line per call: {"op", "status", "body"}; the Node
                      side validates each body against the official spec's schema for `op`.
The SDK is used unchanged: only `base_url` differs from a client of OpenAI.
"""

import json
import os
import sys
import urllib.request

import openai

BASE_URL = os.environ["ORGPLANE_BASE_URL"]
ADMIN_KEY = os.environ["ORGPLANE_ADMIN_KEY"]
LOG = open(os.environ["ORGPLANE_SDK_LOG"], "w", encoding="utf-8")
CERT_A = os.environ["ORGPLANE_CERT_A"]
CERT_B = os.environ["ORGPLANE_CERT_B"]

client = openai.OpenAI(admin_api_key=ADMIN_KEY, base_url=BASE_URL, max_retries=0)
org = client.admin.organization
calls = 0


def call(op, resource, method, *args, **kwargs):
    """Calls `resource.method` through the SDK's raw-response wrapper, logs the body, returns the parsed object."""
    global calls
    raw = getattr(resource.with_raw_response, method)(*args, **kwargs)
    LOG.write(json.dumps({"op": op, "status": raw.http_response.status_code, "body": raw.http_response.json()}) + "\n")
    LOG.flush()
    calls += 1
    return raw.parse()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_error(cls, fn):
    try:
        fn()
    except cls as err:
        return err
    raise AssertionError(f"expected {cls.__name__}")


def extension_post(path, body):
    """orgplane extensions the SDK has no method for (accepting an invite), as plain HTTP."""
    req = urllib.request.Request(
        BASE_URL + path, data=json.dumps(body).encode(), method="POST",
        headers={"authorization": f"Bearer {ADMIN_KEY}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read())


def ids(page):
    """Every ID of a list, following the SDK's auto-pagination."""
    return [item.id for item in page]


# --- projects ---------------------------------------------------------------------------------
project = call("create-project", org.projects, "create", name="Python")
check(project.name == "Python" and project.status == "active", project)
call("retrieve-project", org.projects, "retrieve", project.id)
check(call("modify-project", org.projects, "update", project.id, name="Python 2").name == "Python 2", "renamed")
for i in range(4):
    org.projects.create(name=f"Bulk {i}")
page = call("list-projects", org.projects, "list", limit=2)
check(len(page.data) == 2 and page.has_more, "first page")
all_projects = ids(page)
check(len(all_projects) == 6 and len(set(all_projects)) == 6, f"auto-pagination: {all_projects}")
doomed = org.projects.create(name="Archive me")
archived = call("archive-project", org.projects, "archive", doomed.id)
check(archived.status == "archived", "archived")
check(doomed.id in ids(org.projects.list(include_archived=True)), "include_archived=True")
check(doomed.id not in ids(org.projects.list(include_archived=False)), "include_archived=False")
expect_error(openai.NotFoundError, lambda: org.projects.retrieve("proj_missing"))

# --- invites, users ---------------------------------------------------------------------------
invite = call("inviteUser", org.invites, "create", email="grace@example.com", role="reader", projects=[{"id": project.id, "role": "member"}])
check(invite.status == "pending", invite)
call("retrieve-invite", org.invites, "retrieve", invite.id)
call("list-invites", org.invites, "list", limit=1)
check(invite.id in ids(org.invites.list(limit=1)), "invite listed")
expect_error(openai.ConflictError, lambda: org.invites.create(email="GRACE@example.com", role="reader"))
user_id = extension_post(f"/organization/invites/{invite.id}/accept", {"name": "Grace"})["id"]
dropped = org.invites.create(email="drop@example.com", role="owner")
check(call("delete-invite", org.invites, "delete", dropped.id).deleted, "invite deleted")
expect_error(openai.NotFoundError, lambda: org.invites.delete(dropped.id))

user = call("retrieve-user", org.users, "retrieve", user_id)
check(user.email == "grace@example.com", user)
check(len(call("list-users", org.users, "list", limit=1).data) == 1, "one per page")
check(ids(org.users.list(emails=["GRACE@example.com"])) == [user_id], "email filter is case-insensitive")
check(call("modify-user", org.users, "update", user_id, role="owner").role == "owner", "promoted")
check(org.users.update(user_id, role_id="role_org_reader").role == "reader", "role_id")
profiled = org.users.update(user_id, technical_level="expert", developer_persona="backend")
check(profiled.role == "reader", "profile fields leave the role")
check(profiled.to_dict().get("technical_level") == "expert", profiled.to_dict())
check(org.users.retrieve(user_id).to_dict().get("developer_persona") == "backend", "persona stored")

# --- project users, service accounts, project API keys ------------------------------------------
member = call("retrieve-project-user", org.projects.users, "retrieve", user_id, project_id=project.id)
check(member.role == "member", member)
check(call("modify-project-user", org.projects.users, "update", user_id, project_id=project.id, role="owner").role == "owner", "project owner")
check(ids(call("list-project-users", org.projects.users, "list", project.id)) == [user_id], "project members")
other = org.projects.create(name="Other")
added = call("create-project-user", org.projects.users, "create", other.id, user_id=user_id, role="member")
check(added.id == user_id, added)
check(call("delete-project-user", org.projects.users, "delete", user_id, project_id=other.id).deleted, "member removed")

sa = call("create-project-service-account", org.projects.service_accounts, "create", project.id, name="CI bot")
check(sa.api_key.value.startswith("sk-svcacct-"), "service account key")
call("retrieve-project-service-account", org.projects.service_accounts, "retrieve", sa.id, project_id=project.id)
check(ids(call("list-project-service-accounts", org.projects.service_accounts, "list", project.id)) == [sa.id], "service accounts")
renamed = call("update-project-service-account", org.projects.service_accounts, "update", sa.id, project_id=project.id, name="CI bot 2")
check(renamed.name == "CI bot 2", renamed)
sa_key = call("CreateanAPIkeyforaserviceaccount", org.projects.service_accounts.api_keys, "create", sa.id, project_id=project.id, name="second")
check(sa_key.value.startswith("sk-svcacct-"), "second key")
keys = ids(call("list-project-api-keys", org.projects.api_keys, "list", project.id, limit=1))
check(sa_key.id in keys and sa.api_key.id in keys, f"project keys {keys}")
call("retrieve-project-api-key", org.projects.api_keys, "retrieve", sa_key.id, project_id=project.id)
expect_error(openai.BadRequestError, lambda: org.projects.api_keys.delete(sa_key.id, project_id=project.id))
# A user-owned project key is an orgplane extension (created over plain HTTP); the SDK deletes it.
user_key = extension_post(f"/organization/projects/{project.id}/api_keys", {"name": "laptop", "user_id": user_id})
check(call("delete-project-api-key", org.projects.api_keys, "delete", user_key["id"], project_id=project.id).deleted, "key deleted")
expect_error(openai.NotFoundError, lambda: org.projects.api_keys.delete(user_key["id"], project_id=project.id))
check(call("delete-project-service-account", org.projects.service_accounts, "delete", sa.id, project_id=project.id).deleted, "sa deleted")
expect_error(openai.NotFoundError, lambda: org.projects.service_accounts.delete(sa.id, project_id=project.id))

# --- admin API keys ---------------------------------------------------------------------------
key = call("admin-api-keys-create", org.admin_api_keys, "create", name="Python rotation")
check(key.value.startswith("sk-admin-"), "admin key value")
other_client = openai.OpenAI(admin_api_key=key.value, base_url=BASE_URL, max_retries=0)
check(len(other_client.admin.organization.projects.list().data) >= 1, "new key works")
call("admin-api-keys-get", org.admin_api_keys, "retrieve", key.id)
check(key.id in ids(call("admin-api-keys-list", org.admin_api_keys, "list", limit=1)), "admin keys listed")
check(call("admin-api-keys-delete", org.admin_api_keys, "delete", key.id).deleted, "admin key deleted")
expect_error(openai.AuthenticationError, lambda: other_client.admin.organization.projects.list())
expect_error(openai.NotFoundError, lambda: org.admin_api_keys.delete(key.id))

# --- groups and their users -------------------------------------------------------------------
group = call("create-group", org.groups, "create", name="Engineering")
call("retrieve-group", org.groups, "retrieve", group.id)
check(call("update-group", org.groups, "update", group.id, name="Eng").name == "Eng", "group renamed")
check(group.id in ids(call("list-groups", org.groups, "list", limit=1)), "groups listed")
call("add-group-user", org.groups.users, "create", group.id, user_id=user_id)
call("retrieve-group-user", org.groups.users, "retrieve", user_id, group_id=group.id)
check(ids(call("list-group-users", org.groups.users, "list", group.id)) == [user_id], "group users")

# --- roles and role assignments -----------------------------------------------------------------
role = call("create-role", org.roles, "create", role_name="Auditor", permissions=["api.groups.read"], description="reads")
call("retrieve-role", org.roles, "retrieve", role.id)
check(call("update-role", org.roles, "update", role.id, description="reads more").description == "reads more", "role updated")
check(role.id in ids(call("list-roles", org.roles, "list", limit=2)), "roles listed")
call("assign-user-role", org.users.roles, "create", user_id, role_id=role.id)
call("retrieve-user-role", org.users.roles, "retrieve", role.id, user_id=user_id)
call("list-user-role-assignments", org.users.roles, "list", user_id)
call("unassign-user-role", org.users.roles, "delete", role.id, user_id=user_id)
call("assign-group-role", org.groups.roles, "create", group.id, role_id=role.id)
call("retrieve-group-role", org.groups.roles, "retrieve", role.id, group_id=group.id)
call("list-group-role-assignments", org.groups.roles, "list", group.id)
call("unassign-group-role", org.groups.roles, "delete", role.id, group_id=group.id)

prole = call("create-project-role", org.projects.roles, "create", project.id, role_name="Runner", permissions=["api.model.request", "api.model.read"])
call("retrieve-project-role", org.projects.roles, "retrieve", prole.id, project_id=project.id)
call("update-project-role", org.projects.roles, "update", prole.id, project_id=project.id, role_name="Runner 2")
check(prole.id in ids(call("list-project-roles", org.projects.roles, "list", project.id, limit=2)), "project roles listed")
call("assign-project-user-role", org.projects.users.roles, "create", user_id, project_id=project.id, role_id=prole.id)
call("retrieve-project-user-role", org.projects.users.roles, "retrieve", prole.id, project_id=project.id, user_id=user_id)
call("list-project-user-role-assignments", org.projects.users.roles, "list", user_id, project_id=project.id)
call("unassign-project-user-role", org.projects.users.roles, "delete", prole.id, project_id=project.id, user_id=user_id)

call("add-project-group", org.projects.groups, "create", project.id, group_id=group.id, role="role_proj_member")
call("retrieve-project-group", org.projects.groups, "retrieve", group.id, project_id=project.id)
check([g.group_id for g in call("list-project-groups", org.projects.groups, "list", project.id)] == [group.id], "project groups")
call("assign-project-group-role", org.projects.groups.roles, "create", group.id, project_id=project.id, role_id=prole.id)
call("retrieve-project-group-role", org.projects.groups.roles, "retrieve", prole.id, project_id=project.id, group_id=group.id)
call("list-project-group-role-assignments", org.projects.groups.roles, "list", group.id, project_id=project.id)
call("unassign-project-group-role", org.projects.groups.roles, "delete", prole.id, project_id=project.id, group_id=group.id)
call("remove-project-group", org.projects.groups, "delete", group.id, project_id=project.id)
call("delete-project-role", org.projects.roles, "delete", prole.id, project_id=project.id)
call("delete-role", org.roles, "delete", role.id)
call("remove-group-user", org.groups.users, "delete", user_id, group_id=group.id)
check(call("delete-group", org.groups, "delete", group.id).deleted, "group deleted")

# --- certificates -----------------------------------------------------------------------------
cert = call("uploadCertificate", org.certificates, "create", certificate=CERT_A, name="Gateway")
cert_b = org.certificates.create(certificate=CERT_B)
call("getCertificate", org.certificates, "retrieve", cert.id, include=["content"])
check(call("modifyCertificate", org.certificates, "update", cert.id, name="Gateway 2").name == "Gateway 2", "cert renamed")
check(set(ids(call("listOrganizationCertificates", org.certificates, "list", limit=1))) >= {cert.id, cert_b.id}, "certs listed")
call("activateOrganizationCertificates", org.certificates, "activate", certificate_ids=[cert.id, cert_b.id])
call("deactivateOrganizationCertificates", org.certificates, "deactivate", certificate_ids=[cert_b.id])
call("activateProjectCertificates", org.projects.certificates, "activate", project.id, certificate_ids=[cert_b.id])
call("listProjectCertificates", org.projects.certificates, "list", project.id)
call("deactivateProjectCertificates", org.projects.certificates, "deactivate", project.id, certificate_ids=[cert_b.id])
check(call("deleteCertificate", org.certificates, "delete", cert_b.id).id == cert_b.id, "cert deleted")

# --- rate limits ------------------------------------------------------------------------------
limits = call("list-project-rate-limits", org.projects.rate_limits, "list_rate_limits", project.id, limit=5)
check(len(limits.data) == 5, "rate limit page")
updated = call("update-project-rate-limits", org.projects.rate_limits, "update_rate_limit", "rl-gpt-4o", project_id=project.id, max_requests_per_1_minute=100)
check(updated.max_requests_per_1_minute == 100, updated)

# --- usage, costs, audit logs -----------------------------------------------------------------
START = int(os.environ["ORGPLANE_USAGE_START"])
record = {"kind": "completions", "id": "py-1", "timestamp": START + 60, "project_id": project.id, "model": "gpt-4o", "input_tokens": 10, "output_tokens": 5}
extension_post("/organization/usage/records", {"records": [record]})
usage = call("usage-completions", org.usage, "completions", start_time=START, group_by=["project_id", "model"], batch=False, project_ids=[project.id])
results = [r for b in usage.data for r in b.results]
check(len(results) == 1 and results[0].input_tokens == 10 and results[0].project_id == project.id, usage.to_dict())
for op, method in [
    ("usage-embeddings", "embeddings"), ("usage-moderations", "moderations"), ("usage-images", "images"),
    ("usage-audio-speeches", "audio_speeches"), ("usage-audio-transcriptions", "audio_transcriptions"),
    ("usage-vector-stores", "vector_stores"), ("usage-code-interpreter-sessions", "code_interpreter_sessions"),
    ("usage-file-search-calls", "file_search_calls"), ("usage-web-search-calls", "web_search_calls"),
]:
    call(op, org.usage, method, start_time=START, bucket_width="1d", limit=2)
costs = call("usage-costs", org.usage, "costs", start_time=START, group_by=["project_id", "line_item"], limit=1)
check(any(r.project_id == project.id for b in costs.data for r in b.results), costs.to_dict())

events = call("list-audit-logs", org.audit_logs, "list", event_types=["project.created"], project_ids=[project.id], effective_at={"gte": 0})
check([e.type for e in events.data] == ["project.created"], [e.type for e in events.data])
seen = [e.id for e in org.audit_logs.list(limit=7)]
check(len(seen) == len(set(seen)) and len(seen) > 50, f"audit auto-pagination {len(seen)}")

# --- removing the user ------------------------------------------------------------------------
check(call("delete-user", org.users, "delete", user_id).deleted, "user deleted")
expect_error(openai.NotFoundError, lambda: org.users.retrieve(user_id))

print(f"openai {openai.__version__}: {calls} logged calls passed")
