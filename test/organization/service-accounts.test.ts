import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bootActor, createProject } from '../helpers/fixtures.js';
import { assertError, forEachDialect } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const accounts = (projectId: string) => `/v1/organization/projects/${projectId}/service_accounts`;

forEachDialect('project service accounts', (server) => {
  it('creates a member service account with its first key and a single service_account.created event', async () => {
    const s = server();
    const projectId = await createProject(s, 'Bots');
    const before = await s.auditCount();
    const res = await s.post(accounts(projectId), { name: 'Production App' });
    assert.equal(res.status, 200);
    assertSpec('create-project-service-account', res.body);
    assert.match(res.body.id, /^svc_acct_[A-Za-z0-9]{24}$/);
    assert.match(res.body.api_key.id, /^key_[A-Za-z0-9]{24}$/);
    assert.match(res.body.api_key.value, /^sk-svcacct-[A-Za-z0-9_-]{43}$/);
    const now = s.clock.now();
    assert.deepEqual(res.body, {
      object: 'organization.project.service_account', id: res.body.id, name: 'Production App', role: 'member', created_at: now,
      api_key: { object: 'organization.project.service_account.api_key', value: res.body.api_key.value, name: 'Secret Key', created_at: now, id: res.body.api_key.id },
    });

    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'service_account.created');
    assert.deepEqual(event['service_account.created'], { id: res.body.id, data: { role: 'member' } });
    assert.deepEqual(event.project, { id: projectId, name: 'Bots' });
    assert.deepEqual(event.actor, await bootActor(s));

    const account = { object: 'organization.project.service_account', id: res.body.id, name: 'Production App', role: 'member', created_at: now };
    const got = await s.get(`${accounts(projectId)}/${res.body.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-service-account', got.body);
    assert.deepEqual(got.body, account);
    const list = await s.get(accounts(projectId));
    assertSpec('list-project-service-accounts', list.body);
    assert.deepEqual(list.body, { object: 'list', data: [account], first_id: account.id, last_id: account.id, has_more: false });

    // The key is a real project key: it authenticates, but not for the Administration API.
    assertError(await s.get('/v1/organization/projects', { key: res.body.api_key.value }), 403);
    const key = await s.get(`/v1/organization/projects/${projectId}/api_keys/${res.body.api_key.id}`);
    assert.equal(key.status, 200);
    assertSpec('retrieve-project-api-key', key.body);
    assert.deepEqual(key.body.owner, { type: 'service_account', service_account: { id: res.body.id, name: 'Production App', created_at: now, role: 'member' } });
    assert.equal(key.body.redacted_value, `sk-svcacct...${res.body.api_key.value.slice(-4)}`);
    // Other projects do not see it.
    assertError(await s.get(`${accounts(s.boot.defaultProjectId)}/${res.body.id}`), 404, 'service_account_id');
  });

  it('creates a service account without role or key when create_service_account_only is set', async () => {
    const s = server();
    const projectId = await createProject(s, 'Bare');
    const res = await s.post(accounts(projectId), { name: 'Bare account', create_service_account_only: true });
    assert.equal(res.status, 200);
    assertSpec('create-project-service-account', res.body);
    assert.equal(res.body.role, 'none');
    assert.equal(res.body.api_key, null);
    assert.deepEqual((await s.lastAudit())['service_account.created'], { id: res.body.id, data: { role: 'none' } });
    const keys = await s.ctx.db.selectFrom('api_keys').select('id').where('owner_id', '=', res.body.id).execute();
    assert.equal(keys.length, 0);
    const got = await s.get(`${accounts(projectId)}/${res.body.id}`);
    assertSpec('retrieve-project-service-account', got.body);
    assert.equal(got.body.role, 'none');

    const explicit = await s.post(accounts(projectId), { name: 'Keyed', create_service_account_only: null });
    assert.equal(explicit.status, 200);
    assert.equal(explicit.body.role, 'member');
    assert.notEqual(explicit.body.api_key, null);
  });

  it('rejects bad create requests and changes nothing', async () => {
    const s = server();
    const projectId = await createProject(s, 'Strict bots');
    const before = await s.auditCount();
    assertError(await s.post(accounts(projectId), {}), 400, 'name');
    assertError(await s.post(accounts(projectId), { name: '' }), 400, 'name');
    assertError(await s.post(accounts(projectId), { name: 7 }), 400, 'name');
    assertError(await s.post(accounts(projectId), { name: 'x'.repeat(257) }), 400, 'name');
    assertError(await s.post(accounts(projectId), { name: 'x', create_service_account_only: 'yes' }), 400, 'create_service_account_only');
    assertError(await s.post(accounts(projectId), { name: 'x', role: 'owner' }), 400, 'role');
    assertError(await s.post(accounts('proj_missing'), { name: 'x' }), 404, 'project_id');
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get(accounts(projectId))).body.data.length, 0);
  });

  it('updates name and role with a service_account.updated event', async () => {
    const s = server();
    const projectId = await createProject(s, 'Updates');
    const created = await s.post(accounts(projectId), { name: 'Before' });
    const id = created.body.id;

    const before = await s.auditCount();
    const res = await s.post(`${accounts(projectId)}/${id}`, { name: 'After', role: 'owner' });
    assert.equal(res.status, 200);
    assertSpec('update-project-service-account', res.body);
    assert.deepEqual(res.body, { object: 'organization.project.service_account', id, name: 'After', role: 'owner', created_at: created.body.created_at });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'service_account.updated');
    assert.deepEqual(event['service_account.updated'], { id, changes_requested: { name: 'After', role: 'owner' } });
    assert.deepEqual(event.project, { id: projectId, name: 'Updates' });

    const roleOnly = await s.post(`${accounts(projectId)}/${id}`, { role: 'member' });
    assertSpec('update-project-service-account', roleOnly.body);
    assert.deepEqual((await s.lastAudit())['service_account.updated'], { id, changes_requested: { role: 'member' } });
    assert.equal(await s.auditCount(), before + 2);

    const unchanged = await s.post(`${accounts(projectId)}/${id}`, {});
    assert.equal(unchanged.status, 200);
    assertSpec('update-project-service-account', unchanged.body);
    assert.deepEqual(unchanged.body, (await s.get(`${accounts(projectId)}/${id}`)).body);
    assert.equal(await s.auditCount(), before + 2);

    assertError(await s.post(`${accounts(projectId)}/${id}`, { role: 'none' }), 400, 'role');
    assertError(await s.post(`${accounts(projectId)}/${id}`, { role: 'admin' }), 400, 'role');
    assertError(await s.post(`${accounts(projectId)}/${id}`, { name: '' }), 400, 'name');
    assertError(await s.post(`${accounts(projectId)}/${id}`, { name: null }), 400, 'name');
    assertError(await s.post(`${accounts(projectId)}/${id}`, { name: 'x', scopes: [] }), 400, 'scopes');
    assertError(await s.post(`${accounts(projectId)}/svc_acct_missing`, { name: 'x' }), 404, 'service_account_id');
    assertError(await s.post(`${accounts(s.boot.defaultProjectId)}/${id}`, { name: 'x' }), 404, 'service_account_id');
    assertError(await s.post(`${accounts('proj_missing')}/${id}`, { name: 'x' }), 404, 'project_id');
    assert.equal(await s.auditCount(), before + 2);
    assert.equal((await s.get(`${accounts(projectId)}/${id}`)).body.name, 'After');
  });

  it('creates additional service-account keys with an api_key.created event', async () => {
    const s = server();
    const projectId = await createProject(s, 'More keys');
    const account = await s.post(accounts(projectId), { name: 'Worker' });
    const id = account.body.id;
    s.clock.advance(60);

    const before = await s.auditCount();
    const res = await s.post(`${accounts(projectId)}/${id}/api_keys`, { name: 'Production App', scopes: ['api.responses.write'] });
    assert.equal(res.status, 200);
    assertSpec('CreateanAPIkeyforaserviceaccount', res.body);
    assert.match(res.body.value, /^sk-svcacct-[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(res.body, { object: 'organization.project.service_account.api_key', value: res.body.value, name: 'Production App', created_at: s.clock.now(), id: res.body.id });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'api_key.created');
    assert.deepEqual(event['api_key.created'], { id: res.body.id, data: { scopes: ['api.responses.write'] } });
    assert.deepEqual(event.project, { id: projectId, name: 'More keys' });
    assert.deepEqual(event.actor, await bootActor(s));

    const noBody = await s.post(`${accounts(projectId)}/${id}/api_keys`);
    assert.equal(noBody.status, 200, JSON.stringify(noBody.body));
    assertSpec('CreateanAPIkeyforaserviceaccount', noBody.body);
    assert.equal(noBody.body.name, 'Secret Key');
    assert.deepEqual((await s.lastAudit())['api_key.created'], { id: noBody.body.id, data: { scopes: ['api.all'] } });
    const empty = await s.post(`${accounts(projectId)}/${id}/api_keys`, {});
    assert.equal(empty.status, 200);
    assert.equal(empty.body.name, 'Secret Key');
    assert.equal(await s.auditCount(), before + 3);

    for (const value of [account.body.api_key.value, res.body.value, noBody.body.value]) {
      assertError(await s.get('/v1/organization/projects', { key: value }), 403);
    }
    const keys = await s.get(`/v1/organization/projects/${projectId}/api_keys`);
    assertSpec('list-project-api-keys', keys.body);
    assert.deepEqual(keys.body.data.map((k: any) => k.id), [account.body.api_key.id, res.body.id, noBody.body.id, empty.body.id]);

    const after = await s.auditCount();
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { name: '' }), 400, 'name');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { name: 5 }), 400, 'name');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { scopes: 'api.all' }), 400, 'scopes');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { scopes: [1] }), 400, 'scopes[0]');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { scopes: ['not a scope'] }), 400, 'scopes[0]');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { scopes: ['api.all', 'api.all'] }), 400, 'scopes');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { expires: 1 }), 400, 'expires');
    assertError(await s.post(`${accounts(projectId)}/svc_acct_missing/api_keys`, {}), 404, 'service_account_id');
    assertError(await s.post(`${accounts('proj_missing')}/${id}/api_keys`, {}), 404, 'project_id');
    assert.equal(await s.auditCount(), after);
  });

  it('deletes a service account and all its keys; the keys stop working', async () => {
    const s = server();
    const projectId = await createProject(s, 'Cleanup');
    const account = await s.post(accounts(projectId), { name: 'Temporary' });
    const keep = await s.post(accounts(projectId), { name: 'Keeper' });
    const id = account.body.id;
    const extra = await s.post(`${accounts(projectId)}/${id}/api_keys`, { name: 'Extra' });
    assertError(await s.get('/v1/organization/projects', { key: account.body.api_key.value }), 403);

    const before = await s.auditCount();
    const res = await s.delete(`${accounts(projectId)}/${id}`);
    assert.equal(res.status, 200);
    assertSpec('delete-project-service-account', res.body);
    assert.deepEqual(res.body, { object: 'organization.project.service_account.deleted', id, deleted: true });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'service_account.deleted');
    assert.deepEqual(event['service_account.deleted'], { id });
    assert.deepEqual(event.project, { id: projectId, name: 'Cleanup' });

    assertError(await s.get('/v1/organization/projects', { key: account.body.api_key.value }), 401);
    assertError(await s.get('/v1/organization/projects', { key: extra.body.value }), 401);
    assert.equal((await s.ctx.db.selectFrom('api_keys').select('id').where('owner_id', '=', id).execute()).length, 0);
    assertError(await s.get(`${accounts(projectId)}/${id}`), 404, 'service_account_id');
    const list = await s.get(accounts(projectId));
    assert.deepEqual(list.body.data.map((a: any) => a.id), [keep.body.id]);
    const keys = await s.get(`/v1/organization/projects/${projectId}/api_keys?owner_project_access=any`);
    assert.deepEqual(keys.body.data.map((k: any) => k.id), [keep.body.api_key.id]);
    assertError(await s.get('/v1/organization/projects', { key: keep.body.api_key.value }), 403);

    assertError(await s.delete(`${accounts(projectId)}/${id}`), 404, 'service_account_id');
    assertError(await s.delete(`${accounts(s.boot.defaultProjectId)}/${keep.body.id}`), 404, 'service_account_id');
    assertError(await s.delete(`${accounts('proj_missing')}/${keep.body.id}`), 404, 'project_id');
    assert.equal(await s.auditCount(), before + 1);
  });

  it('reads archived projects but refuses changes to their service accounts', async () => {
    const s = server();
    const projectId = await createProject(s, 'Frozen');
    const account = await s.post(accounts(projectId), { name: 'Frozen bot' });
    const id = account.body.id;
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);

    const before = await s.auditCount();
    const list = await s.get(accounts(projectId));
    assert.equal(list.status, 200);
    assertSpec('list-project-service-accounts', list.body);
    assert.deepEqual(list.body.data.map((a: any) => a.id), [id]);
    const got = await s.get(`${accounts(projectId)}/${id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-service-account', got.body);

    assertError(await s.post(accounts(projectId), { name: 'New' }), 400, 'project_id');
    assertError(await s.post(`${accounts(projectId)}/${id}`, { name: 'Renamed' }), 400, 'project_id');
    assertError(await s.post(`${accounts(projectId)}/${id}/api_keys`, { name: 'Key' }), 400, 'project_id');
    assertError(await s.delete(`${accounts(projectId)}/${id}`), 400, 'project_id');
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get(`${accounts(projectId)}/${id}`)).body.name, 'Frozen bot');
    assertError(await s.get('/v1/organization/projects', { key: account.body.api_key.value }), 403);
  });

  it('pages service accounts and rejects bad list parameters', async () => {
    const s = server();
    const projectId = await createProject(s, 'Many bots');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.post(accounts(projectId), { name: `Bot ${i}` })).body.id);
    const first = await s.get(`${accounts(projectId)}?limit=2`);
    assert.equal(first.status, 200);
    assertSpec('list-project-service-accounts', first.body);
    assert.deepEqual(first.body.data.map((a: any) => a.id), ids.slice(0, 2));
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.first_id, ids[0]);
    assert.equal(first.body.last_id, ids[1]);
    const second = await s.get(`${accounts(projectId)}?limit=2&after=${ids[1]}`);
    assertSpec('list-project-service-accounts', second.body);
    assert.deepEqual(second.body.data.map((a: any) => a.id), [ids[2]]);
    assert.equal(second.body.has_more, false);

    assertError(await s.get(`${accounts(projectId)}?limit=0`), 400, 'limit');
    assertError(await s.get(`${accounts(projectId)}?limit=101`), 400, 'limit');
    assertError(await s.get(`${accounts(projectId)}?limit=x`), 400, 'limit');
    assertError(await s.get(`${accounts(projectId)}?after=svc_acct_unknown`), 400, 'after');
    assertError(await s.get(accounts('proj_missing')), 404, 'project_id');
    assertError(await s.get(`${accounts('proj_missing')}/${ids[0]}`), 404, 'project_id');
    assertError(await s.get(`${accounts(projectId)}/svc_acct_missing`), 404, 'service_account_id');
  });
});
