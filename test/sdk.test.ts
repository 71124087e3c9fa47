import assert from 'node:assert/strict';
import { it } from 'node:test';
import OpenAI from 'openai';
import { forEachDialect, type TestServer } from './helpers/harness.js';
import { assertSpec } from './helpers/spec.js';

/** An unchanged official client pointed at orgplane: only the base URL differs. */
function client(server: TestServer, key = server.adminKey): OpenAI {
  return new OpenAI({ adminAPIKey: key, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
}

forEachDialect('official openai SDK end to end', (server) => {
  it('creates, retrieves, updates, lists (auto-paginating) and archives projects', async () => {
    const openai = client(server());
    const created = await openai.admin.organization.projects.create({ name: 'Research' });
    assertSpec('create-project', created);
    assert.equal(created.name, 'Research');
    assert.match((created as any)._request_id ?? '', /^req_/);

    const got = await openai.admin.organization.projects.retrieve(created.id);
    assert.equal(got.id, created.id);
    const updated = await openai.admin.organization.projects.update(created.id, { name: 'Research 2' });
    assert.equal(updated.name, 'Research 2');

    for (let i = 0; i < 7; i++) await openai.admin.organization.projects.create({ name: `Bulk ${i}` });
    const seen: string[] = [];
    for await (const project of openai.admin.organization.projects.list({ limit: 3 })) seen.push(project.id);
    assert.equal(seen.length, 9); // Default + Research + 7
    assert.equal(new Set(seen).size, 9);

    const page = await openai.admin.organization.projects.list({ limit: 3 });
    assert.equal(page.data.length, 3);
    assert.equal(page.hasNextPage(), true);
    const next = await page.getNextPage();
    assert.notEqual(next.data[0].id, page.data[0].id);

    const archived = await openai.admin.organization.projects.archive(created.id);
    assert.equal(archived.status, 'archived');
  });

  it('reports errors as the SDK expects them', async () => {
    const openai = client(server());
    await assert.rejects(openai.admin.organization.projects.retrieve('proj_missing'), (err: any) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.status, 404);
      assert.equal(err.param, 'project_id');
      assert.match(err.requestID ?? '', /^req_/);
      return true;
    });
    await assert.rejects(openai.admin.organization.projects.create({ name: 42 as unknown as string }), OpenAI.BadRequestError);
  });

  it('manages admin API keys, and a revoked key is refused', async () => {
    const openai = client(server());
    const key = await openai.admin.organization.adminAPIKeys.create({ name: 'Rotation' });
    assert.match(key.value, /^sk-admin-/);
    const withNewKey = client(server(), key.value);
    const projects = await withNewKey.admin.organization.projects.list();
    assert.ok(projects.data.length >= 1);

    const listed: string[] = [];
    for await (const k of openai.admin.organization.adminAPIKeys.list({ limit: 1 })) listed.push(k.id);
    assert.ok(listed.includes(key.id));
    const retrieved = await openai.admin.organization.adminAPIKeys.retrieve(key.id);
    assert.notEqual(retrieved.last_used_at, null);

    const deleted = await openai.admin.organization.adminAPIKeys.delete(key.id);
    assert.equal(deleted.deleted, true);
    await assert.rejects(withNewKey.admin.organization.projects.list(), (err: any) => {
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.equal(err.status, 401);
      return true;
    });
  });

  it('filters audit logs with the SDK-encoded query (arrays and nested objects)', async () => {
    const openai = client(server());
    const p = await openai.admin.organization.projects.create({ name: 'Audited' });
    const from = server().clock.now();
    const logs = await openai.admin.organization.auditLogs.list({
      event_types: ['project.created'],
      project_ids: [p.id],
      effective_at: { gte: from, lte: from + 10 },
    });
    assert.equal(logs.data.length, 1);
    assert.equal(logs.data[0].type, 'project.created');
    assert.equal((logs.data[0] as any)['project.created'].id, p.id);
    const none = await openai.admin.organization.auditLogs.list({ event_types: ['project.created'], effective_at: { gt: from + 10 } });
    assert.equal(none.data.length, 0);
    const all: string[] = [];
    for await (const event of openai.admin.organization.auditLogs.list({ limit: 2 })) all.push(event.id);
    assert.ok(all.length >= 3);
    assert.equal(new Set(all).size, all.length);
  });

  it('runs the people and key lifecycle: invite, accept, project membership, service accounts, project keys', async () => {
    const s = server();
    const openai = client(s);
    const project = await openai.admin.organization.projects.create({ name: 'Team' });
    const invite = await openai.admin.organization.invites.create({ email: 'ada@example.com', role: 'reader', projects: [{ id: project.id, role: 'member' }] });
    assertSpec('inviteUser', invite);
    assert.equal(invite.status, 'pending');
    const invites: string[] = [];
    for await (const i of openai.admin.organization.invites.list({ limit: 1 })) invites.push(i.id);
    assert.ok(invites.includes(invite.id));
    assert.equal((await openai.admin.organization.invites.retrieve(invite.id)).email, 'ada@example.com');

    // Accepting is an orgplane extension (OpenAI does it in its dashboard): plain HTTP.
    const accepted = await s.post(`/v1/organization/invites/${invite.id}/accept`, { name: 'Ada' });
    assert.equal(accepted.status, 200);
    const userId: string = accepted.body.id;
    assert.equal((await openai.admin.organization.invites.retrieve(invite.id)).status, 'accepted');

    const user = await openai.admin.organization.users.retrieve(userId);
    assert.equal(user.email, 'ada@example.com');
    const users: string[] = [];
    for await (const u of openai.admin.organization.users.list({ limit: 1 })) users.push(u.id);
    assert.deepEqual(users.sort(), [s.boot.ownerUserId, userId].sort());
    assert.equal((await openai.admin.organization.users.update(userId, { role: 'owner' })).role, 'owner');

    const member = await openai.admin.organization.projects.users.retrieve(userId, { project_id: project.id });
    assert.equal(member.role, 'member');
    assert.equal((await openai.admin.organization.projects.users.update(userId, { project_id: project.id, role: 'owner' })).role, 'owner');
    const members: string[] = [];
    for await (const m of openai.admin.organization.projects.users.list(project.id)) members.push(m.id);
    assert.deepEqual(members, [userId]);

    const sa = await openai.admin.organization.projects.serviceAccounts.create(project.id, { name: 'CI bot' });
    assert.match(sa.api_key!.value, /^sk-svcacct-/);
    const saKey = await openai.admin.organization.projects.serviceAccounts.apiKeys.create(sa.id, { project_id: project.id, name: 'second' } as any);
    assert.match((saKey as any).value, /^sk-svcacct-/);
    assert.equal((await openai.admin.organization.projects.serviceAccounts.retrieve(sa.id, { project_id: project.id })).name, 'CI bot');
    const sas: string[] = [];
    for await (const a of openai.admin.organization.projects.serviceAccounts.list(project.id)) sas.push(a.id);
    assert.deepEqual(sas, [sa.id]);

    // A user-owned project key is an orgplane extension.
    const userKey = await s.post(`/v1/organization/projects/${project.id}/api_keys`, { name: 'Ada laptop', user_id: userId });
    assert.equal(userKey.status, 200);
    const keys: string[] = [];
    for await (const k of openai.admin.organization.projects.apiKeys.list(project.id, { limit: 1 })) keys.push(k.id);
    assert.equal(keys.length, 3);
    assert.equal((await openai.admin.organization.projects.apiKeys.retrieve(userKey.body.id, { project_id: project.id })).id, userKey.body.id);
    await assert.rejects(openai.admin.organization.projects.apiKeys.delete(sa.api_key!.id, { project_id: project.id }), OpenAI.BadRequestError);
    assert.equal((await openai.admin.organization.projects.apiKeys.delete(userKey.body.id, { project_id: project.id })).deleted, true);

    // Project keys are real keys but not admin keys.
    await assert.rejects(client(s, sa.api_key!.value).admin.organization.projects.list(), OpenAI.PermissionDeniedError);
    assert.equal((await openai.admin.organization.projects.serviceAccounts.delete(sa.id, { project_id: project.id })).deleted, true);
    await assert.rejects(client(s, sa.api_key!.value).admin.organization.projects.list(), OpenAI.AuthenticationError);

    assert.equal((await openai.admin.organization.projects.users.delete(userId, { project_id: project.id })).deleted, true);
    assert.equal((await openai.admin.organization.users.delete(userId)).deleted, true);
    await assert.rejects(openai.admin.organization.users.retrieve(userId), OpenAI.NotFoundError);

    const second = await openai.admin.organization.invites.create({ email: 'bob@example.com', role: 'reader' });
    assert.equal((await openai.admin.organization.invites.delete(second.id)).deleted, true);
  });
});

