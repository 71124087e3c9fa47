import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertError, forEachDialect } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

forEachDialect('projects', (server) => {
  it('lists the bootstrapped Default project', async () => {
    const res = await server().get('/v1/organization/projects');
    assert.equal(res.status, 200);
    assertSpec('list-projects', res.body);
    assert.equal(res.body.data.length, 1);
    assert.equal(res.body.data[0].name, 'Default project');
    assert.equal(res.body.first_id, res.body.data[0].id);
    assert.equal(res.body.has_more, false);
    assert.match(res.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
  });

  it('creates a project with its audit event', async () => {
    const before = await server().auditCount();
    const res = await server().post('/v1/organization/projects', { name: 'Research' });
    assert.equal(res.status, 200);
    assertSpec('create-project', res.body);
    assert.match(res.body.id, /^proj_[A-Za-z0-9]{24}$/);
    assert.deepEqual({ ...res.body, id: 'x' }, {
      id: 'x', object: 'organization.project', name: 'Research', created_at: server().clock.now(),
      archived_at: null, status: 'active', external_key_id: null,
    });
    assert.equal(await server().auditCount(), before + 1);
    const event = await server().lastAudit();
    assert.equal(event.type, 'project.created');
    assert.deepEqual(event['project.created'], { id: res.body.id, data: { name: 'Research', title: 'Research' } });
    assert.deepEqual(event.project, { id: res.body.id, name: 'Research' });
    assert.equal(event.actor.type, 'api_key');
    assert.equal(event.actor.api_key.type, 'user');
    assert.equal(event.actor.api_key.user.id, server().boot.ownerUserId);
    const got = await server().get(`/v1/organization/projects/${res.body.id}`);
    assertSpec('retrieve-project', got.body);
    assert.deepEqual(got.body, res.body);
  });

  it('accepts residency and external_key_id', async () => {
    const res = await server().post('/v1/organization/projects', { name: 'EU', residency: 'EU_STORAGE_PROCESSING', external_key_id: 'ext_1' });
    assert.equal(res.status, 200);
    assertSpec('create-project', res.body);
    assert.equal(res.body.residency, 'EU_STORAGE_PROCESSING');
    assert.equal(res.body.external_key_id, 'ext_1');
  });

  it('rejects bad create bodies and changes nothing', async () => {
    const before = await server().auditCount();
    assertError(await server().post('/v1/organization/projects', {}), 400, 'name');
    assertError(await server().post('/v1/organization/projects', { name: 42 }), 400, 'name');
    assertError(await server().post('/v1/organization/projects', { name: '' }), 400, 'name');
    assertError(await server().post('/v1/organization/projects', { name: 'x', residency: 'MARS' }), 400, 'residency');
    assertError(await server().post('/v1/organization/projects', { name: 'x', color: 'red' }), 400, 'color');
    assertError(await server().request('POST', '/v1/organization/projects', { raw: '{"name": ' }), 400);
    assertError(await server().request('POST', '/v1/organization/projects', { raw: JSON.stringify({ name: 'x'.repeat(100_000) }) }), 413);
    assertError(await server().request('POST', '/v1/organization/projects', { raw: '[1,2]' }), 400);
    assert.equal(await server().auditCount(), before);
  });

  it('modifies a project and refuses the Default project', async () => {
    const created = await server().post('/v1/organization/projects', { name: 'Old' });
    const res = await server().post(`/v1/organization/projects/${created.body.id}`, { name: 'New' });
    assert.equal(res.status, 200);
    assertSpec('modify-project', res.body);
    assert.equal(res.body.name, 'New');
    const event = await server().lastAudit();
    assert.equal(event.type, 'project.updated');
    assert.deepEqual(event['project.updated'], { id: created.body.id, changes_requested: { title: 'New' } });

    const before = await server().auditCount();
    const def = server().boot.defaultProjectId;
    const refused = await server().post(`/v1/organization/projects/${def}`, { name: 'Renamed' });
    assertError(refused, 400, 'project_id');
    assertSpec('modify-project', refused.body, 400);
    assertError(await server().post(`/v1/organization/projects/${def}/archive`), 400, 'project_id');
    assertError(await server().post('/v1/organization/projects/proj_nope', { name: 'x' }), 404, 'project_id');
    assertError(await server().post(`/v1/organization/projects/${created.body.id}`, { name: 5 }), 400, 'name');
    assert.equal(await server().auditCount(), before);
  });

  it('archives a project; archived projects are hidden by default and cannot be modified', async () => {
    const created = await server().post('/v1/organization/projects', { name: 'Doomed' });
    server().clock.advance(10);
    const res = await server().post(`/v1/organization/projects/${created.body.id}/archive`);
    assert.equal(res.status, 200);
    assertSpec('archive-project', res.body);
    assert.equal(res.body.status, 'archived');
    assert.equal(res.body.archived_at, server().clock.now());
    assert.equal((await server().lastAudit()).type, 'project.archived');

    const active = await server().get('/v1/organization/projects?limit=100');
    assert.ok(!active.body.data.some((p: any) => p.id === created.body.id));
    const all = await server().get('/v1/organization/projects?limit=100&include_archived=true');
    assert.ok(all.body.data.some((p: any) => p.id === created.body.id));
    assertError(await server().post(`/v1/organization/projects/${created.body.id}`, { name: 'Zombie' }), 400, 'project_id');
  });

  it('pages with limit and after, in creation order', async () => {
    for (let i = 0; i < 5; i++) await server().post('/v1/organization/projects', { name: `Page ${i}` });
    const all = await server().get('/v1/organization/projects?limit=100');
    const ids = all.body.data.map((p: any) => p.id);
    const first = await server().get('/v1/organization/projects?limit=2');
    assert.deepEqual(first.body.data.map((p: any) => p.id), ids.slice(0, 2));
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.last_id, ids[1]);
    const second = await server().get(`/v1/organization/projects?limit=2&after=${first.body.last_id}`);
    assert.deepEqual(second.body.data.map((p: any) => p.id), ids.slice(2, 4));
    const last = await server().get(`/v1/organization/projects?limit=100&after=${ids[ids.length - 2]}`);
    assert.deepEqual(last.body.data.map((p: any) => p.id), ids.slice(-1));
    assert.equal(last.body.has_more, false);
  });

  it('rejects out-of-range limits and unknown cursors', async () => {
    assertError(await server().get('/v1/organization/projects?limit=0'), 400, 'limit');
    assertError(await server().get('/v1/organization/projects?limit=101'), 400, 'limit');
    assertError(await server().get('/v1/organization/projects?limit=abc'), 400, 'limit');
    assertError(await server().get('/v1/organization/projects?after=proj_unknown'), 400, 'after');
    assertError(await server().get('/v1/organization/projects?include_archived=maybe'), 400, 'include_archived');
    assertError(await server().get('/v1/organization/projects/proj_missing'), 404, 'project_id');
  });
});
