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
});
