import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bootActor, createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const users = (projectId: string) => `/v1/organization/projects/${projectId}/users`;

forEachDialect('project users', (server) => {
  it('lists the Default project with its bootstrapped owner', async () => {
    const s = server();
    const res = await s.get(users(s.boot.defaultProjectId));
    assert.equal(res.status, 200);
    assertSpec('list-project-users', res.body);
    const owner = { object: 'organization.project.user', id: s.boot.ownerUserId, name: 'Owner', email: 'owner@example.com', role: 'owner', added_at: s.clock.now() };
    assert.deepEqual(res.body, { object: 'list', data: [owner], first_id: owner.id, last_id: owner.id, has_more: false });
    const got = await s.get(`${users(s.boot.defaultProjectId)}/${s.boot.ownerUserId}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-user', got.body);
    assert.deepEqual(got.body, owner);
  });

  it('adds organization members by user_id or email, with one user.added event each', async () => {
    const s = server();
    const projectId = await createProject(s, 'Members');
    const alice = await seedUser(s, { name: 'Alice', email: 'alice@example.com' });
    const bob = await seedUser(s, { name: 'Bob', email: 'bob@example.com' });
    s.clock.advance(30);

    const before = await s.auditCount();
    const added = await s.post(users(projectId), { user_id: alice.id, role: 'member' });
    assert.equal(added.status, 200);
    assertSpec('create-project-user', added.body);
    const aliceMember = { object: 'organization.project.user', id: alice.id, name: 'Alice', email: 'alice@example.com', role: 'member', added_at: s.clock.now() };
    assert.deepEqual(added.body, aliceMember);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'user.added');
    assert.deepEqual(event['user.added'], { id: alice.id, data: { role: 'member' } });
    assert.deepEqual(event.project, { id: projectId, name: 'Members' });
    assert.deepEqual(event.actor, await bootActor(s));

    const byEmail = await s.post(users(projectId), { email: 'BOB@example.com', role: 'owner', user_id: null });
    assert.equal(byEmail.status, 200);
    assertSpec('create-project-user', byEmail.body);
    assert.equal(byEmail.body.id, bob.id);
    assert.equal(byEmail.body.role, 'owner');
    assert.deepEqual((await s.lastAudit())['user.added'], { id: bob.id, data: { role: 'owner' } });
    assert.equal(await s.auditCount(), before + 2);

    const got = await s.get(`${users(projectId)}/${alice.id}`);
    assertSpec('retrieve-project-user', got.body);
    assert.deepEqual(got.body, aliceMember);

    const list = await s.get(users(projectId));
    assertSpec('list-project-users', list.body);
    assert.deepEqual(list.body.data.map((u: any) => u.id), [alice.id, bob.id]);
    assert.deepEqual(list.body.data[0], aliceMember);
    // Membership is per project: the Default project did not gain them.
    assertError(await s.get(`${users(s.boot.defaultProjectId)}/${alice.id}`), 404, 'user_id');
  });

  it('pages project users with limit and after', async () => {
    const s = server();
    const projectId = await createProject(s, 'Paged');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await seedUser(s);
      assert.equal((await s.post(users(projectId), { user_id: u.id, role: 'member' })).status, 200);
      ids.push(u.id);
    }
    const first = await s.get(`${users(projectId)}?limit=2`);
    assert.equal(first.status, 200);
    assertSpec('list-project-users', first.body);
    assert.deepEqual(first.body.data.map((u: any) => u.id), ids.slice(0, 2));
    assert.equal(first.body.first_id, ids[0]);
    assert.equal(first.body.last_id, ids[1]);
    assert.equal(first.body.has_more, true);
    const second = await s.get(`${users(projectId)}?limit=2&after=${first.body.last_id}`);
    assertSpec('list-project-users', second.body);
    assert.deepEqual(second.body.data.map((u: any) => u.id), [ids[2]]);
    assert.equal(second.body.has_more, false);
  });

  it('rejects bad create requests and changes nothing', async () => {
    const s = server();
    const projectId = await createProject(s, 'Strict');
    const member = await seedUser(s, { email: 'member@example.com' });
    assert.equal((await s.post(users(projectId), { user_id: member.id, role: 'member' })).status, 200);
    const outsider = await seedUser(s);
    const before = await s.auditCount();

    assertError(await s.post(users(projectId), { user_id: 'user-nobody', role: 'member' }), 404, 'user_id');
    assertError(await s.post(users(projectId), { email: 'nobody@example.com', role: 'member' }), 404, 'email');
    assertError(await s.post(users(projectId), { user_id: member.id, role: 'owner' }), 400, 'user_id');
    assertError(await s.post(users(projectId), { email: 'MEMBER@example.com', role: 'owner' }), 400, 'email');
    assertError(await s.post(users(projectId), { user_id: outsider.id, email: outsider.email, role: 'member' }), 400, 'email');
    assertError(await s.post(users(projectId), { role: 'member' }), 400, 'user_id');
    assertError(await s.post(users(projectId), { user_id: null, email: null, role: 'member' }), 400, 'user_id');
    assertError(await s.post(users(projectId), { user_id: outsider.id }), 400, 'role');
    assertError(await s.post(users(projectId), { user_id: outsider.id, role: 'admin' }), 400, 'role');
    assertError(await s.post(users(projectId), { user_id: outsider.id, role: 'reader' }), 400, 'role');
    assertError(await s.post(users(projectId), { user_id: 42, role: 'member' }), 400, 'user_id');
    assertError(await s.post(users(projectId), { user_id: '', role: 'member' }), 400, 'user_id');
    assertError(await s.post(users(projectId), { user_id: outsider.id, role: 'member', color: 'red' }), 400, 'color');
    assertError(await s.post(users('proj_missing'), { user_id: outsider.id, role: 'member' }), 404, 'project_id');

    assert.equal(await s.auditCount(), before);
    assertError(await s.get(`${users(projectId)}/${outsider.id}`), 404, 'user_id');
    assert.equal((await s.get(`${users(projectId)}/${member.id}`)).body.role, 'member');
  });

  it('modifies a project role with a user.updated event; a body without a role changes nothing', async () => {
    const s = server();
    const projectId = await createProject(s, 'Roles');
    const u = await seedUser(s, { name: 'Carol' });
    const added = await s.post(users(projectId), { user_id: u.id, role: 'member' });

    const before = await s.auditCount();
    const res = await s.post(`${users(projectId)}/${u.id}`, { role: 'owner' });
    assert.equal(res.status, 200);
    assertSpec('modify-project-user', res.body);
    assert.deepEqual(res.body, { ...added.body, role: 'owner' });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'user.updated');
    assert.deepEqual(event['user.updated'], { id: u.id, changes_requested: { role: 'owner' } });
    assert.deepEqual(event.project, { id: projectId, name: 'Roles' });
    assert.deepEqual(event.actor, await bootActor(s));
    assert.equal((await s.get(`${users(projectId)}/${u.id}`)).body.role, 'owner');

    for (const body of [{}, { role: null }]) {
      const same = await s.post(`${users(projectId)}/${u.id}`, body);
      assert.equal(same.status, 200);
      assertSpec('modify-project-user', same.body);
      assert.equal(same.body.role, 'owner');
    }
    assert.equal(await s.auditCount(), before + 1);

    const outsider = await seedUser(s);
    assertError(await s.post(`${users(projectId)}/${u.id}`, { role: 'reader' }), 400, 'role');
    assertError(await s.post(`${users(projectId)}/${u.id}`, { role: 1 }), 400, 'role');
    assertError(await s.post(`${users(projectId)}/${u.id}`, { role: 'member', name: 'x' }), 400, 'name');
    assertError(await s.post(`${users(projectId)}/${outsider.id}`, { role: 'member' }), 404, 'user_id');
    assertError(await s.post(`${users(projectId)}/user-nobody`, { role: 'member' }), 404, 'user_id');
    assertError(await s.post(`${users('proj_missing')}/${u.id}`, { role: 'member' }), 404, 'project_id');
    assert.equal(await s.auditCount(), before + 1);
    assert.equal((await s.get(`${users(projectId)}/${u.id}`)).body.role, 'owner');
  });

  it('removes a user from the project together with the project API keys they own there', async () => {
    const s = server();
    const projectId = await createProject(s, 'Leaving');
    const otherProjectId = await createProject(s, 'Staying');
    const u = await seedUser(s);
    for (const p of [projectId, otherProjectId]) assert.equal((await s.post(users(p), { user_id: u.id, role: 'member' })).status, 200);
    const key = await s.post(`/v1/organization/projects/${projectId}/api_keys`, { name: 'Mine', user_id: u.id });
    const otherKey = await s.post(`/v1/organization/projects/${otherProjectId}/api_keys`, { name: 'Other', user_id: u.id });
    assert.equal(key.status, 200);
    assert.equal(otherKey.status, 200);
    assertError(await s.get('/v1/organization/projects', { key: key.body.value }), 403);

    const before = await s.auditCount();
    const res = await s.delete(`${users(projectId)}/${u.id}`);
    assert.equal(res.status, 200);
    assertSpec('delete-project-user', res.body);
    assert.deepEqual(res.body, { object: 'organization.project.user.deleted', id: u.id, deleted: true });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'user.deleted');
    assert.deepEqual(event['user.deleted'], { id: u.id });
    assert.deepEqual(event.project, { id: projectId, name: 'Leaving' });

    assertError(await s.get(`${users(projectId)}/${u.id}`), 404, 'user_id');
    assertError(await s.get(`/v1/organization/projects/${projectId}/api_keys/${key.body.id}`), 404, 'api_key_id');
    assertError(await s.get('/v1/organization/projects', { key: key.body.value }), 401);
    // Membership and keys elsewhere are untouched, and so is the organization user.
    assert.equal((await s.get(`${users(otherProjectId)}/${u.id}`)).status, 200);
    assert.equal((await s.get(`/v1/organization/projects/${otherProjectId}/api_keys/${otherKey.body.id}`)).status, 200);
    assertError(await s.get('/v1/organization/projects', { key: otherKey.body.value }), 403);
    assert.ok(await s.ctx.db.selectFrom('users').select('id').where('id', '=', u.id).executeTakeFirst());

    assertError(await s.delete(`${users(projectId)}/${u.id}`), 404, 'user_id');
    assertError(await s.delete(`${users('proj_missing')}/${u.id}`), 404, 'project_id');
    assert.equal(await s.auditCount(), before + 1);
    // A removed user can be added again.
    assert.equal((await s.post(users(projectId), { user_id: u.id, role: 'owner' })).status, 200);
  });

  it('reads archived projects but refuses changes to their users', async () => {
    const s = server();
    const projectId = await createProject(s, 'Archived');
    const u = await seedUser(s);
    const other = await seedUser(s);
    await s.post(users(projectId), { user_id: u.id, role: 'member' });
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);

    const before = await s.auditCount();
    const list = await s.get(users(projectId));
    assert.equal(list.status, 200);
    assertSpec('list-project-users', list.body);
    assert.deepEqual(list.body.data.map((x: any) => x.id), [u.id]);
    const got = await s.get(`${users(projectId)}/${u.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-user', got.body);

    assertError(await s.post(users(projectId), { user_id: other.id, role: 'member' }), 400, 'project_id');
    assertError(await s.post(`${users(projectId)}/${u.id}`, { role: 'owner' }), 400, 'project_id');
    assertError(await s.delete(`${users(projectId)}/${u.id}`), 400, 'project_id');
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get(`${users(projectId)}/${u.id}`)).body.role, 'member');
  });

  it('rejects bad list parameters and unknown projects', async () => {
    const s = server();
    const projectId = s.boot.defaultProjectId;
    assertError(await s.get(`${users(projectId)}?limit=0`), 400, 'limit');
    assertError(await s.get(`${users(projectId)}?limit=101`), 400, 'limit');
    assertError(await s.get(`${users(projectId)}?limit=ten`), 400, 'limit');
    assertError(await s.get(`${users(projectId)}?after=user-unknown`), 400, 'after');
    assertError(await s.get(users('proj_missing')), 404, 'project_id');
    assertError(await s.get(`${users('proj_missing')}/${s.boot.ownerUserId}`), 404, 'project_id');
    const ok = await s.get(`${users(projectId)}?limit=100`);
    assert.equal(ok.status, 200);
    assertSpec('list-project-users', ok.body);
  });
});
