import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertError, forEachDialect } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

forEachDialect('authentication and admin API keys', (server) => {
  it('refuses a request without a key, with a malformed header, or with an unknown key', async () => {
    assertError(await server().get('/v1/organization/projects', { key: null }), 401);
    assertError(await server().get('/v1/organization/projects', { key: null, headers: { authorization: 'Basic abc' } }), 401);
    const unknown = await server().get('/v1/organization/projects', { key: 'sk-admin-' + 'a'.repeat(43) });
    assertError(unknown, 401);
    assert.equal(unknown.body.error.code, 'invalid_api_key');
    assert.ok(!unknown.body.error.message.includes('a'.repeat(20)), 'the message must not echo the key');
  });

  it('answers unknown routes with OpenAI-shaped 404s', async () => {
    const res = await server().get('/v1/organization/nothing-here');
    assertError(res, 404);
    assert.match(res.body.error.message, /Invalid URL/);
  });

  it('creates, lists, retrieves and deletes admin keys; a deleted key stops working', async () => {
    const created = await server().post('/v1/organization/admin_api_keys', { name: 'Automation', expires_in_seconds: 3600 });
    assert.equal(created.status, 200);
    assertSpec('admin-api-keys-create', created.body);
    assert.match(created.body.value, /^sk-admin-[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.redacted_value, `sk-admin...${created.body.value.slice(-4)}`);
    assert.equal(created.body.expires_at, server().clock.now() + 3600);
    assert.equal(created.body.owner.id, server().boot.ownerUserId);
    assert.equal(created.body.owner.type, 'user');
    assert.equal((await server().lastAudit()).type, 'api_key.created');

    // The database holds no usable secret.
    const stored = await server().ctx.db.selectFrom('api_keys').selectAll().execute();
    for (const row of stored) assert.ok(!JSON.stringify(row).includes(created.body.value.slice(9)));

    const list = await server().get('/v1/organization/admin_api_keys');
    assertSpec('admin-api-keys-list', list.body);
    assert.ok(list.body.data.some((k: any) => k.id === created.body.id));
    assert.ok(list.body.data.every((k: any) => !('value' in k)));
    const desc = await server().get('/v1/organization/admin_api_keys?order=desc&limit=1');
    assert.equal(desc.body.data[0].id, created.body.id);

    const got = await server().get(`/v1/organization/admin_api_keys/${created.body.id}`);
    assertSpec('admin-api-keys-get', got.body);
    assert.equal(got.body.last_used_at, null);

    server().clock.advance(5);
    const used = await server().get('/v1/organization/projects', { key: created.body.value });
    assert.equal(used.status, 200);
    const after = await server().get(`/v1/organization/admin_api_keys/${created.body.id}`);
    assert.equal(after.body.last_used_at, server().clock.now());

    const del = await server().delete(`/v1/organization/admin_api_keys/${created.body.id}`);
    assert.equal(del.status, 200);
    assertSpec('admin-api-keys-delete', del.body);
    assert.deepEqual(del.body, { id: created.body.id, object: 'organization.admin_api_key.deleted', deleted: true });
    assert.equal((await server().lastAudit()).type, 'api_key.deleted');
    assertError(await server().get('/v1/organization/projects', { key: created.body.value }), 401);
    assertError(await server().get(`/v1/organization/admin_api_keys/${created.body.id}`), 404, 'key_id');
    assertError(await server().delete(`/v1/organization/admin_api_keys/${created.body.id}`), 404, 'key_id');
  });

  it('expires keys at expires_at', async () => {
    const created = await server().post('/v1/organization/admin_api_keys', { name: 'Short', expires_in_seconds: 60 });
    assert.equal((await server().get('/v1/organization/projects', { key: created.body.value })).status, 200);
    server().clock.advance(61);
    assertError(await server().get('/v1/organization/projects', { key: created.body.value }), 401);
  });

  it('validates admin key bodies and refuses deleting the last admin key', async () => {
    const before = await server().auditCount();
    assertError(await server().post('/v1/organization/admin_api_keys', {}), 400, 'name');
    assertError(await server().post('/v1/organization/admin_api_keys', { name: 'x', expires_in_seconds: 0 }), 400, 'expires_in_seconds');
    assertError(await server().post('/v1/organization/admin_api_keys', { name: 'x', expires_in_seconds: 31536001 }), 400, 'expires_in_seconds');
    assertError(await server().post('/v1/organization/admin_api_keys', { name: 'x', expires_in_seconds: 'soon' }), 400, 'expires_in_seconds');
    assertError(await server().get('/v1/organization/admin_api_keys?order=sideways'), 400, 'order');
    const keys = await server().get('/v1/organization/admin_api_keys?limit=100');
    for (const key of keys.body.data) {
      if (key.id !== keys.body.data[0].id) await server().delete(`/v1/organization/admin_api_keys/${key.id}`);
    }
    const mid = await server().auditCount();
    assertError(await server().delete(`/v1/organization/admin_api_keys/${keys.body.data[0].id}`), 400, 'key_id');
    assert.equal(await server().auditCount(), mid);
    assert.ok(mid >= before);
  });

  it('writes last_used_at at most once per key and second, however many requests arrive meanwhile', async () => {
    const created = await server().post('/v1/organization/admin_api_keys', { name: 'Busy' });
    const { keys } = server().ctx;
    const second = server().clock.now() + 10;
    const first = keys.touch(created.body.id, second);
    assert.ok(first instanceof Promise);
    // While that second's write is under way, the same or an earlier second neither writes nor waits.
    assert.equal(keys.touch(created.body.id, second), undefined);
    assert.equal(keys.touch(created.body.id, second - 1), undefined);
    const next = keys.touch(created.body.id, second + 1);
    assert.ok(next instanceof Promise);
    await Promise.all([first, next]);
    assert.equal((await server().get(`/v1/organization/admin_api_keys/${created.body.id}`)).body.last_used_at, second + 1);

    // Concurrent requests with the key all pass, and its last use is the current second.
    server().clock.advance(60);
    const results = await Promise.all(Array.from({ length: 5 }, () => server().get('/v1/organization/projects?limit=1', { key: created.body.value })));
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.equal((await server().get(`/v1/organization/admin_api_keys/${created.body.id}`)).body.last_used_at, server().clock.now());
  });
});
