import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bootActor, createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const keys = (projectId: string) => `/v1/organization/projects/${projectId}/api_keys`;

/** A project with one member (role `member`) and the member's seeded row. */
async function projectWithMember(s: TestServer, name: string) {
  const projectId = await createProject(s, name);
  const user = await seedUser(s, { name: `${name} member` });
  const added = await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: user.id, role: 'member' });
  assert.equal(added.status, 200);
  return { projectId, user };
}

forEachDialect('project API keys', (server) => {
  it('creates a user-owned project key (extension) that authenticates until it is deleted', async () => {
    const s = server();
    const { projectId, user } = await projectWithMember(s, 'Keys');
    s.clock.advance(100);

    const before = await s.auditCount();
    const created = await s.post(keys(projectId), { name: 'My API Key', user_id: user.id });
    assert.equal(created.status, 200);
    assertSpec('retrieve-project-api-key', created.body);
    assert.match(created.body.id, /^key_[A-Za-z0-9]{24}$/);
    assert.match(created.body.value, /^sk-proj-[A-Za-z0-9_-]{43}$/);
    const key = {
      object: 'organization.project.api_key',
      redacted_value: `sk-proj...${created.body.value.slice(-4)}`,
      name: 'My API Key',
      created_at: s.clock.now(),
      last_used_at: null,
      id: created.body.id,
      owner_project_access: 'active',
      owner: { type: 'user', user: { id: user.id, email: user.email, name: user.name, created_at: Number(user.added_at), role: 'member' } },
    };
    assert.deepEqual(created.body, { ...key, value: created.body.value });

    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'api_key.created');
    assert.deepEqual(event['api_key.created'], { id: key.id, data: { scopes: ['api.all'] } });
    assert.deepEqual(event.project, { id: projectId, name: 'Keys' });
    assert.deepEqual(event.actor, await bootActor(s));

    const got = await s.get(`${keys(projectId)}/${key.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-api-key', got.body);
    assert.deepEqual(got.body, key);
    const stored = await s.ctx.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(stored).includes(created.body.value.slice(8)), 'the secret is not stored');
    assert.equal(stored.project_id, projectId);

    // A real key, refused by the Administration API; its use is recorded.
    s.clock.advance(5);
    assertError(await s.get('/v1/organization/projects', { key: created.body.value }), 403);
    assert.equal((await s.get(`${keys(projectId)}/${key.id}`)).body.last_used_at, s.clock.now());

    const del = await s.delete(`${keys(projectId)}/${key.id}`);
    assert.equal(del.status, 200);
    assertSpec('delete-project-api-key', del.body);
    assert.deepEqual(del.body, { object: 'organization.project.api_key.deleted', id: key.id, deleted: true });
    assert.equal(await s.auditCount(), before + 2);
    const deleted = await s.lastAudit();
    assert.equal(deleted.type, 'api_key.deleted');
    assert.deepEqual(deleted['api_key.deleted'], { id: key.id });
    assert.deepEqual(deleted.project, { id: projectId, name: 'Keys' });

    assertError(await s.get('/v1/organization/projects', { key: created.body.value }), 401);
    assertError(await s.get(`${keys(projectId)}/${key.id}`), 404, 'api_key_id');
    assertError(await s.delete(`${keys(projectId)}/${key.id}`), 404, 'api_key_id');
    assert.equal(await s.auditCount(), before + 2);
  });

  it('refuses user keys for non-members and bad create bodies', async () => {
    const s = server();
    const { projectId, user } = await projectWithMember(s, 'Members only');
    const outsider = await seedUser(s);
    const archivedId = await createProject(s, 'Gone');
    await s.post(`/v1/organization/projects/${archivedId}/users`, { user_id: user.id, role: 'owner' });
    assert.equal((await s.post(`/v1/organization/projects/${archivedId}/archive`)).status, 200);

    const before = await s.auditCount();
    assertError(await s.post(keys(projectId), { name: 'k', user_id: outsider.id }), 400, 'user_id');
    assertError(await s.post(keys(projectId), { name: 'k', user_id: 'user-nobody' }), 404, 'user_id');
    assertError(await s.post(keys(projectId), { name: 'k' }), 400, 'user_id');
    assertError(await s.post(keys(projectId), { user_id: user.id }), 400, 'name');
    assertError(await s.post(keys(projectId), { name: '', user_id: user.id }), 400, 'name');
    assertError(await s.post(keys(projectId), { name: 'k', user_id: 12 }), 400, 'user_id');
    assertError(await s.post(keys(projectId), { name: 'k', user_id: user.id, scopes: ['api.all'] }), 400, 'scopes');
    assertError(await s.post(keys('proj_missing'), { name: 'k', user_id: user.id }), 404, 'project_id');
    assertError(await s.post(keys(archivedId), { name: 'k', user_id: user.id }), 400, 'project_id');
    assert.equal(await s.auditCount(), before);
    const list = await s.get(`${keys(projectId)}?owner_project_access=any`);
    assert.deepEqual(list.body.data, []);
  });

  it('lists a project\'s keys by owner access, with pagination', async () => {
    const s = server();
    const { projectId, user } = await projectWithMember(s, 'Listing');
    const userKey = await s.post(keys(projectId), { name: 'User key', user_id: user.id });
    const account = await s.post(`/v1/organization/projects/${projectId}/service_accounts`, { name: 'Bot' });
    const bare = await s.post(`/v1/organization/projects/${projectId}/service_accounts`, { name: 'Bare', create_service_account_only: true });
    const bareKey = await s.post(`/v1/organization/projects/${projectId}/service_accounts/${bare.body.id}/api_keys`, { name: 'Bare key' });
    assert.equal(bareKey.status, 200);
    // Keys elsewhere (another project, admin keys) never show up.
    const other = await projectWithMember(s, 'Elsewhere');
    await s.post(keys(other.projectId), { name: 'Elsewhere key', user_id: other.user.id });
    await s.post('/v1/organization/admin_api_keys', { name: 'Admin' });

    const active = await s.get(keys(projectId));
    assert.equal(active.status, 200);
    assertSpec('list-project-api-keys', active.body);
    assert.deepEqual(active.body.data.map((k: any) => k.id), [userKey.body.id, account.body.api_key.id]);
    assert.deepEqual(active.body.data[0], (await s.get(`${keys(projectId)}/${userKey.body.id}`)).body);
    assert.equal(active.body.first_id, userKey.body.id);
    assert.equal(active.body.last_id, account.body.api_key.id);
    assert.equal(active.body.has_more, false);
    assert.ok(active.body.data.every((k: any) => !('value' in k)));
    assert.deepEqual((await s.get(`${keys(projectId)}?owner_project_access=active`)).body, active.body);

    const inactive = await s.get(`${keys(projectId)}?owner_project_access=inactive`);
    assertSpec('list-project-api-keys', inactive.body);
    assert.deepEqual(inactive.body.data.map((k: any) => k.id), [bareKey.body.id]);
    assert.equal(inactive.body.data[0].owner_project_access, 'inactive');
    assert.deepEqual(inactive.body.data[0].owner, { type: 'service_account', service_account: { id: bare.body.id, name: 'Bare', created_at: bare.body.created_at, role: 'none' } });

    const any = await s.get(`${keys(projectId)}?owner_project_access=any`);
    assertSpec('list-project-api-keys', any.body);
    const all = [userKey.body.id, account.body.api_key.id, bareKey.body.id];
    assert.deepEqual(any.body.data.map((k: any) => k.id), all);

    const first = await s.get(`${keys(projectId)}?owner_project_access=any&limit=2`);
    assertSpec('list-project-api-keys', first.body);
    assert.deepEqual(first.body.data.map((k: any) => k.id), all.slice(0, 2));
    assert.equal(first.body.has_more, true);
    const second = await s.get(`${keys(projectId)}?owner_project_access=any&limit=2&after=${first.body.last_id}`);
    assert.deepEqual(second.body.data.map((k: any) => k.id), all.slice(2));
    assert.equal(second.body.has_more, false);

    // Giving the bare account a role makes its key active.
    await s.post(`/v1/organization/projects/${projectId}/service_accounts/${bare.body.id}`, { role: 'member' });
    const now = await s.get(`${keys(projectId)}/${bareKey.body.id}`);
    assert.equal(now.body.owner_project_access, 'active');
    assert.equal(now.body.owner.service_account.role, 'member');

    assertError(await s.get(`${keys(projectId)}?owner_project_access=all`), 400, 'owner_project_access');
    assertError(await s.get(`${keys(projectId)}?limit=0`), 400, 'limit');
    assertError(await s.get(`${keys(projectId)}?limit=101`), 400, 'limit');
    assertError(await s.get(`${keys(projectId)}?limit=many`), 400, 'limit');
    assertError(await s.get(`${keys(projectId)}?after=key_unknown`), 400, 'after');
    assertError(await s.get(keys('proj_missing')), 404, 'project_id');
    assertError(await s.get(`${keys(other.projectId)}/${userKey.body.id}`), 404, 'api_key_id');
    assertError(await s.get(`${keys('proj_missing')}/${userKey.body.id}`), 404, 'project_id');
  });

  it('refuses to delete a service account\'s key on its own', async () => {
    const s = server();
    const projectId = await createProject(s, 'Guarded');
    const account = await s.post(`/v1/organization/projects/${projectId}/service_accounts`, { name: 'Bot' });
    const keyId = account.body.api_key.id;
    const before = await s.auditCount();
    const res = await s.delete(`${keys(projectId)}/${keyId}`);
    assertError(res, 400, 'api_key_id');
    assertSpec('delete-project-api-key', res.body, 400);
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get(`${keys(projectId)}/${keyId}`)).status, 200);
    assertError(await s.get('/v1/organization/projects', { key: account.body.api_key.value }), 403);
    assertError(await s.delete(`${keys(s.boot.defaultProjectId)}/${keyId}`), 404, 'api_key_id');
    assertError(await s.delete(`${keys('proj_missing')}/${keyId}`), 404, 'project_id');
    assert.equal(await s.auditCount(), before);
  });

  it('reads keys of archived projects but refuses to delete them', async () => {
    const s = server();
    const { projectId, user } = await projectWithMember(s, 'Archived keys');
    const key = await s.post(keys(projectId), { name: 'Old key', user_id: user.id });
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);
    const before = await s.auditCount();
    const list = await s.get(keys(projectId));
    assert.equal(list.status, 200);
    assertSpec('list-project-api-keys', list.body);
    assert.deepEqual(list.body.data.map((k: any) => k.id), [key.body.id]);
    const got = await s.get(`${keys(projectId)}/${key.body.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-api-key', got.body);
    assertError(await s.delete(`${keys(projectId)}/${key.body.id}`), 400, 'project_id');
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get(`${keys(projectId)}/${key.body.id}`)).status, 200);
  });
});
