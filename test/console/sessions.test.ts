// Console sessions over HTTP: sign-in, the cookie, CSRF, expiry, sign-out, and the rules that end a
// session (deleted key, owner demoted or removed) — on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { seedUser } from '../helpers/fixtures.js';
import { assertSpec } from '../helpers/spec.js';
import { issueKey } from '../../src/core/keys/index.js';

/** Signs in with `key`; returns the cookie header value to send back and the CSRF token. */
async function signIn(s: TestServer, key = s.adminKey): Promise<{ cookie: string; csrf: string; setCookie: string; body: any }> {
  const res = await s.post('/console/api/session', { api_key: key }, { key: null });
  assert.equal(res.status, 200, res.text);
  const setCookie = res.headers.get('set-cookie')!;
  const cookie = setCookie.split(';')[0];
  return { cookie, csrf: res.body.csrf_token, setCookie, body: res.body };
}

const withSession = (session: { cookie: string; csrf?: string }, csrf = true) => ({
  key: null,
  headers: { cookie: session.cookie, ...(csrf && session.csrf ? { 'x-csrf-token': session.csrf } : {}) },
});

forEachDialect('console sessions', (server) => {
  it('rejects a missing, wrong or non-admin key, naming the field, and opens no session', async () => {
    const s = server();
    const sessions = async () => (await s.ctx.db.selectFrom('console_sessions').selectAll().execute()).length;
    const before = await sessions();
    assertError(await s.post('/console/api/session', {}, { key: null }), 400, 'api_key');
    assertError(await s.post('/console/api/session', { api_key: 'sk-admin-' + 'x'.repeat(40) }, { key: null }), 401, 'api_key');
    const project = await s.post('/v1/organization/projects', { name: 'P' });
    const user = await seedUser(s);
    await s.post(`/v1/organization/projects/${project.body.id}/users`, { user_id: user.id, role: 'member' });
    const projectKey = await s.post(`/v1/organization/projects/${project.body.id}/api_keys`, { name: 'k', user_id: user.id });
    assert.equal(projectKey.status, 200, projectKey.text);
    const res = await s.post('/console/api/session', { api_key: projectKey.body.value }, { key: null });
    assertError(res, 403, 'api_key');
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(await sessions(), before);
  });

  it('signs in: an HttpOnly SameSite=Strict cookie whose value is stored only as a hash, with the key ID (not the key)', async () => {
    const s = server();
    const { cookie, setCookie, body } = await signIn(s);
    assert.match(setCookie, /^orgplane_session=[A-Za-z0-9_-]{43};/);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Strict/);
    assert.match(setCookie, /; Path=\//);
    assert.doesNotMatch(setCookie, /Secure/); // plain HTTP here; over TLS the cookie is Secure
    assert.equal(body.object, 'console.session');
    assert.equal(body.expires_at, s.clock.now() + 8 * 3600);
    assert.equal(body.server_time, s.clock.now());
    assert.equal(body.user.email, 'owner@example.com');
    const value = cookie.split('=')[1];
    const rows = await s.ctx.db.selectFrom('console_sessions').selectAll().execute();
    const row = rows.find((r) => r.id_hash === createHash('sha256').update(value).digest('hex'));
    assert.ok(row, 'the session row is keyed by the hash of the cookie');
    assert.ok(!JSON.stringify(rows).includes(value), 'the cookie value is not stored');
    assert.ok(!JSON.stringify(rows).includes(s.adminKey), 'the admin key is not stored');
    assert.equal(row.key_id, body.api_key_id);
    const events = await s.get('/v1/organization/audit_logs?limit=1');
    assertSpec('list-audit-logs', events.body);
    const audit = events.body.data[0];
    assert.equal(audit.type, 'login.succeeded');
    // As on OpenAI's dashboard, the actor is the user's session (with its IP address).
    assert.deepEqual(audit.actor, { type: 'session', session: { user: { id: body.user.id, email: 'owner@example.com' }, ip_address: '127.0.0.1' } });
    // The session answers who is signed in (same CSRF token).
    const me = await s.get('/console/api/session', withSession({ cookie }));
    assert.equal(me.status, 200);
    assert.equal(me.body.csrf_token, body.csrf_token);
  });

  it('acts as its admin key on the admin API; changes need the CSRF token, and a refused change changes nothing', async () => {
    const s = server();
    const session = await signIn(s);
    const list = await s.get('/v1/organization/projects', withSession(session, false));
    assert.equal(list.status, 200, list.text);
    const count = await s.auditCount();
    const projects = (await s.get('/v1/organization/projects?limit=100')).body.data.length;
    const missing = await s.post('/v1/organization/projects', { name: 'No token' }, withSession(session, false));
    assertError(missing, 403);
    assert.equal(missing.body.error.code, 'csrf_token_invalid');
    const wrong = await s.post('/v1/organization/projects', { name: 'Wrong token' }, withSession({ cookie: session.cookie, csrf: session.csrf.slice(1) + 'A' }));
    assertError(wrong, 403);
    // Another session's token does not do either.
    const other = await signIn(s);
    const crossed = await s.post('/v1/organization/projects', { name: 'Crossed' }, withSession({ cookie: session.cookie, csrf: other.csrf }));
    assertError(crossed, 403);
    assert.equal((await s.get('/v1/organization/projects?limit=100')).body.data.length, projects);
    assert.equal(await s.auditCount(), count + 1); // only the second sign-in
    const ok = await s.post('/v1/organization/projects', { name: 'With token' }, withSession(session));
    assert.equal(ok.status, 200, ok.text);
    const events = await s.get('/v1/organization/audit_logs?limit=1');
    assertSpec('list-audit-logs', events.body);
    const event = events.body.data[0];
    assert.equal(event.type, 'project.created');
    assert.deepEqual(event.actor, { type: 'session', session: { user: { id: session.body.user.id, email: 'owner@example.com' }, ip_address: '127.0.0.1' } });
    // The audit log's actor filters find it.
    const mine = await s.get(`/v1/organization/audit_logs?actor_emails[]=owner@example.com&event_types[]=project.created&limit=1`);
    assert.equal(mine.body.data[0].id, event.id);
  });

  it('a bearer key wins over a cookie (API clients need no CSRF token); an unknown cookie is refused', async () => {
    const s = server();
    const session = await signIn(s);
    const res = await s.post('/v1/organization/projects', { name: 'Bearer' }, { headers: { cookie: session.cookie } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await s.lastAudit()).actor.type, 'api_key');
    const unknown = await s.get('/v1/organization/projects', { key: null, headers: { cookie: 'orgplane_session=' + 'A'.repeat(43) } });
    assertError(unknown, 401);
    assert.equal(unknown.body.error.code, 'session_expired');
    assertError(await s.get('/v1/organization/projects', { key: null }), 401);
  });

  it('expires: after its lifetime the session is refused and deleted', async () => {
    const s = server();
    const session = await signIn(s);
    const start = s.clock.now();
    s.clock.advance(8 * 3600 - 1);
    assert.equal((await s.get('/v1/organization/projects', withSession(session))).status, 200);
    s.clock.advance(1);
    try {
      const res = await s.get('/v1/organization/projects', withSession(session));
      assertError(res, 401);
      assert.equal(res.body.error.code, 'session_expired');
      assertError(await s.get('/console/api/session', withSession(session)), 401);
      const hash = createHash('sha256').update(session.cookie.split('=')[1]).digest('hex');
      assert.equal(await s.ctx.db.selectFrom('console_sessions').select('id_hash').where('id_hash', '=', hash).executeTakeFirst(), undefined);
    } finally {
      s.clock.set(start);
    }
  });

  it('ends when its admin key is deleted', async () => {
    const s = server();
    const created = await s.post('/v1/organization/admin_api_keys', { name: 'Console key' });
    assert.equal(created.status, 200, created.text);
    const session = await signIn(s, created.body.value);
    assert.equal((await s.get('/v1/organization/projects', withSession(session))).status, 200);
    assert.equal((await s.delete(`/v1/organization/admin_api_keys/${created.body.id}`)).status, 200);
    const res = await s.get('/v1/organization/projects', withSession(session));
    assertError(res, 401);
    assert.equal(res.body.error.code, 'session_expired');
  });

  it("ends when the key's owner is no longer an organization owner, or is removed", async () => {
    const s = server();
    const second = await seedUser(s, { role: 'owner', email: 'second.owner@example.com' });
    const demoted = await signIn(s);
    assert.equal((await s.get('/v1/organization/projects', withSession(demoted))).status, 200);
    // Demote the bootstrap owner (allowed: another owner remains), with its own bearer key.
    const me = demoted.body.user.id;
    assert.equal((await s.post(`/v1/organization/users/${me}`, { role: 'reader' })).status, 200);
    assertError(await s.get('/v1/organization/projects', withSession(demoted)), 401);
    // A demoted owner cannot open a new session either.
    assertError(await s.post('/console/api/session', { api_key: s.adminKey }, { key: null }), 403, 'api_key');
    // Promoted again by the other owner (a demoted owner's key may only do what a reader may; docs/access-control.md).
    const { value: secondKey } = await issueKey(s.ctx.db, { kind: 'admin', name: 'second', projectId: null, ownerType: 'user', ownerId: second.id, expiresAt: null, createdAt: s.clock.now() });
    assert.equal((await s.post(`/v1/organization/users/${me}`, { role: 'owner' }, { key: secondKey })).status, 200);
    // Removing the owner ends the sessions of their keys too.
    const key = await s.post('/v1/organization/admin_api_keys', { name: 'Second owner key' });
    await s.ctx.db.updateTable('api_keys').set({ owner_id: second.id }).where('id', '=', key.body.id).execute();
    const removed = await signIn(s, key.body.value);
    assert.equal(removed.body.user.email, 'second.owner@example.com');
    assert.equal((await s.delete(`/v1/organization/users/${second.id}`)).status, 200);
    assertError(await s.get('/v1/organization/projects', withSession(removed)), 401);
  });

  it('signs out with the CSRF token: the cookie is cleared, the session ends, logout.succeeded is recorded', async () => {
    const s = server();
    const session = await signIn(s);
    const refused = await s.delete('/console/api/session', withSession(session, false));
    assertError(refused, 403);
    assert.equal((await s.get('/v1/organization/projects', withSession(session))).status, 200);
    const out = await s.delete('/console/api/session', withSession(session));
    assert.equal(out.status, 200, out.text);
    assert.match(out.headers.get('set-cookie') ?? '', /^orgplane_session=;.*Expires=Thu, 01 Jan 1970/);
    const events = await s.get('/v1/organization/audit_logs?limit=1');
    assertSpec('list-audit-logs', events.body);
    assert.equal(events.body.data[0].type, 'logout.succeeded');
    assertError(await s.get('/v1/organization/projects', withSession(session)), 401);
    assertError(await s.delete('/console/api/session', withSession(session)), 401);
  });
});
