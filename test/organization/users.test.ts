import assert from 'node:assert/strict';
import { it } from 'node:test';
import { issueKey } from '../../src/core/keys/index.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

/** Adds an organization user through the API: invite, then accept. */
async function addUser(s: TestServer, email: string, role: 'owner' | 'reader', name = 'Someone', projects: unknown[] = []) {
  const invite = await s.post('/v1/organization/invites', { email, role, projects });
  assert.equal(invite.status, 200, JSON.stringify(invite.body));
  const user = await s.post(`/v1/organization/invites/${invite.body.id}/accept`, { name });
  assert.equal(user.status, 200, JSON.stringify(user.body));
  return user.body;
}

/** The audit `actor` of requests made with the bootstrap admin key. */
async function bootActor(s: TestServer) {
  const key = await s.ctx.db.selectFrom('api_keys').select('id').where('kind', '=', 'admin').where('owner_id', '=', s.boot.ownerUserId).orderBy('seq').executeTakeFirstOrThrow();
  return { type: 'api_key', api_key: { id: key.id, type: 'user', user: { id: s.boot.ownerUserId, email: 'owner@example.com' } } };
}

forEachDialect('organization users', (server) => {
  it('lists and retrieves the bootstrapped owner', async () => {
    const s = server();
    const owner = { object: 'organization.user', id: s.boot.ownerUserId, name: 'Owner', email: 'owner@example.com', role: 'owner', added_at: s.clock.now() };
    const list = await s.get('/v1/organization/users');
    assert.equal(list.status, 200);
    assertSpec('list-users', list.body);
    assert.deepEqual(list.body, { object: 'list', data: [owner], first_id: owner.id, last_id: owner.id, has_more: false });
    const got = await s.get(`/v1/organization/users/${owner.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-user', got.body);
    assert.deepEqual(got.body, owner);
    assertError(await s.get('/v1/organization/users/user-missing'), 404, 'user_id');
  });

  it('refuses to demote or remove the last owner', async () => {
    const s = server();
    const before = await s.auditCount();
    const demote = await s.post(`/v1/organization/users/${s.boot.ownerUserId}`, { role: 'reader' });
    assertError(demote, 400, 'role');
    assert.equal(demote.body.error.code, 'last_owner');
    const remove = await s.delete(`/v1/organization/users/${s.boot.ownerUserId}`);
    assertError(remove, 400, 'user_id');
    assert.equal(remove.body.error.code, 'last_owner');
    assert.equal((await s.get(`/v1/organization/users/${s.boot.ownerUserId}`)).body.role, 'owner');
    assert.equal(await s.auditCount(), before);
  });

  it('modifies a role with its user.updated event', async () => {
    const s = server();
    s.clock.advance(5);
    const user = await addUser(s, 'reader1@example.com', 'reader', 'Reader One');
    const before = await s.auditCount();
    const res = await s.post(`/v1/organization/users/${user.id}`, { role: 'owner' });
    assert.equal(res.status, 200);
    assertSpec('modify-user', res.body);
    assert.deepEqual(res.body, { ...user, role: 'owner' });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'user.updated');
    assert.deepEqual(event['user.updated'], { id: user.id, changes_requested: { role: 'owner' } });
    assert.deepEqual(event.actor, await bootActor(s));
    assert.equal(event.project, undefined);
    assert.equal((await s.get(`/v1/organization/users/${user.id}`)).body.role, 'owner');

    // With a second owner, the first may now be demoted and promoted back (by the second owner:
    // the demoted owner's admin key is limited to what a reader may do, see docs/access-control.md).
    const demoted = await s.post(`/v1/organization/users/${s.boot.ownerUserId}`, { role: 'reader' });
    assert.equal(demoted.status, 200);
    assert.equal(demoted.body.role, 'reader');
    assertError(await s.post(`/v1/organization/users/${s.boot.ownerUserId}`, { role: 'owner' }), 403);
    const { row: secondOwnerKey, value: secondOwnerSecret } = await issueKey(s.ctx.db, {
      kind: 'admin', name: 'second owner', projectId: null, ownerType: 'user', ownerId: user.id, expiresAt: null, createdAt: s.clock.now(),
    });
    assert.equal((await s.post(`/v1/organization/users/${s.boot.ownerUserId}`, { role: 'owner' }, { key: secondOwnerSecret })).body.role, 'owner');
    assert.equal((await s.delete(`/v1/organization/admin_api_keys/${secondOwnerKey.id}`)).status, 200);
    // The same role again changes nothing and logs nothing.
    const count = await s.auditCount();
    const same = await s.post(`/v1/organization/users/${user.id}`, { role: 'owner' });
    assert.equal(same.status, 200);
    assertSpec('modify-user', same.body);
    assert.equal(same.body.role, 'owner');
    assert.equal(await s.auditCount(), count);
    // Back to reader for the following tests.
    assert.equal((await s.post(`/v1/organization/users/${user.id}`, { role: 'reader' })).body.role, 'reader');
  });

  it('rejects bad modify bodies and unknown users, changing nothing', async () => {
    const s = server();
    const id = s.boot.ownerUserId;
    const before = await s.auditCount();
    assertError(await s.post(`/v1/organization/users/${id}`, {}), 400, 'role');
    assertError(await s.post(`/v1/organization/users/${id}`, { role: 'member' }), 400, 'role');
    assertError(await s.post(`/v1/organization/users/${id}`, { role: 5 }), 400, 'role');
    assertError(await s.post(`/v1/organization/users/${id}`, { role: null }), 400, 'role');
    assertError(await s.post(`/v1/organization/users/${id}`, { role: 'owner', name: 'x' }), 400, 'name');
    assertError(await s.request('POST', `/v1/organization/users/${id}`, { raw: '{"role":' }), 400);
    assertError(await s.post('/v1/organization/users/user-nope', { role: 'reader' }), 404, 'user_id');
    assertError(await s.delete('/v1/organization/users/user-nope'), 404, 'user_id');
    assert.equal(await s.auditCount(), before);
  });

  it('pages users with limit and after, and filters by emails', async () => {
    const s = server();
    await addUser(s, 'Page.A@example.com', 'reader');
    await addUser(s, 'page.b@example.com', 'reader');
    await addUser(s, 'page.c@example.com', 'owner');
    const all = await s.get('/v1/organization/users?limit=100');
    assertSpec('list-users', all.body);
    const ids = all.body.data.map((u: any) => u.id);
    assert.equal(ids.length, 5);
    assert.equal(ids[0], s.boot.ownerUserId);
    const first = await s.get('/v1/organization/users?limit=2');
    assertSpec('list-users', first.body);
    assert.deepEqual(first.body.data.map((u: any) => u.id), ids.slice(0, 2));
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.first_id, ids[0]);
    assert.equal(first.body.last_id, ids[1]);
    const second = await s.get(`/v1/organization/users?limit=2&after=${first.body.last_id}`);
    assert.deepEqual(second.body.data.map((u: any) => u.id), ids.slice(2, 4));
    assert.equal(second.body.has_more, true);
    const last = await s.get(`/v1/organization/users?after=${ids[3]}`);
    assert.deepEqual(last.body.data.map((u: any) => u.id), ids.slice(4));
    assert.equal(last.body.has_more, false);

    const filtered = await s.get('/v1/organization/users?emails[]=page.a@example.com&emails[]=PAGE.C@example.com');
    assert.equal(filtered.status, 200);
    assertSpec('list-users', filtered.body);
    assert.deepEqual(filtered.body.data.map((u: any) => u.email), ['Page.A@example.com', 'page.c@example.com']);
    const single = await s.get('/v1/organization/users?emails=page.b@example.com');
    assert.deepEqual(single.body.data.map((u: any) => u.email), ['page.b@example.com']);
    const none = await s.get('/v1/organization/users?emails[]=nobody@example.com');
    assert.deepEqual(none.body, { object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('rejects out-of-range limits, unknown cursors and bad filters', async () => {
    const s = server();
    assertError(await s.get('/v1/organization/users?limit=0'), 400, 'limit');
    assertError(await s.get('/v1/organization/users?limit=101'), 400, 'limit');
    assertError(await s.get('/v1/organization/users?limit=ten'), 400, 'limit');
    assertError(await s.get('/v1/organization/users?after=user-unknown'), 400, 'after');
    assertError(await s.get('/v1/organization/users?emails[]='), 400, 'emails[0]');
  });

  it('deletes a user: memberships and keys go, one user.deleted event', async () => {
    const s = server();
    const project = await s.post('/v1/organization/projects', { name: 'Users delete' });
    const user = await addUser(s, 'leaver@example.com', 'reader', 'Leaver', [{ id: project.body.id, role: 'owner' }]);
    const { value: projectKey } = await issueKey(s.ctx.db, {
      kind: 'project', name: 'leaver key', projectId: project.body.id, ownerType: 'user', ownerId: user.id, expiresAt: null, createdAt: s.clock.now(),
    });
    const memberships = () => s.ctx.db.selectFrom('project_users').select(['project_id', 'role']).where('user_id', '=', user.id).execute();
    assert.deepEqual(await memberships(), [{ project_id: project.body.id, role: 'owner' }]);
    assertError(await s.get('/v1/organization/users', { key: projectKey }), 403);

    const before = await s.auditCount();
    const res = await s.delete(`/v1/organization/users/${user.id}`);
    assert.equal(res.status, 200);
    assertSpec('delete-user', res.body);
    assert.deepEqual(res.body, { object: 'organization.user.deleted', id: user.id, deleted: true });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'user.deleted');
    assert.deepEqual(event['user.deleted'], { id: user.id });
    assert.deepEqual(event.actor, await bootActor(s));

    assert.deepEqual(await memberships(), []);
    const keys = await s.ctx.db.selectFrom('api_keys').select('id').where('owner_id', '=', user.id).execute();
    assert.deepEqual(keys, []);
    assertError(await s.get('/v1/organization/users', { key: projectKey }), 401);
    assertError(await s.get(`/v1/organization/users/${user.id}`), 404, 'user_id');
    assertError(await s.delete(`/v1/organization/users/${user.id}`), 404, 'user_id');
    const list = await s.get('/v1/organization/users?limit=100');
    assert.ok(!list.body.data.some((u: any) => u.id === user.id));
  });

  it('refuses to remove the owner of every admin key; allows it once another admin key exists', async () => {
    const s = server();
    const other = await addUser(s, 'second.owner@example.com', 'owner', 'Second Owner');
    const before = await s.auditCount();
    const refused = await s.delete(`/v1/organization/users/${s.boot.ownerUserId}`);
    assertError(refused, 400, 'user_id');
    assert.equal(refused.body.error.code, 'last_admin_key');
    assert.equal(await s.auditCount(), before);

    const { value: otherAdminKey } = await issueKey(s.ctx.db, {
      kind: 'admin', name: 'second', projectId: null, ownerType: 'user', ownerId: other.id, expiresAt: null, createdAt: s.clock.now(),
    });
    const actor = await bootActor(s);
    const res = await s.delete(`/v1/organization/users/${s.boot.ownerUserId}`);
    assert.equal(res.status, 200);
    assertSpec('delete-user', res.body);
    // The caller removed themselves: their admin key is revoked with them.
    assertError(await s.get('/v1/organization/users'), 401);
    const list = await s.get('/v1/organization/users?limit=100', { key: otherAdminKey });
    assert.equal(list.status, 200);
    assert.ok(!list.body.data.some((u: any) => u.id === s.boot.ownerUserId));
    const event = (await s.get('/v1/organization/audit_logs?limit=1', { key: otherAdminKey })).body.data[0];
    assert.equal(event.type, 'user.deleted');
    assert.deepEqual(event['user.deleted'], { id: s.boot.ownerUserId });
    assert.deepEqual(event.actor, actor);
  });
});
