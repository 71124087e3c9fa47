import assert from 'node:assert/strict';
import { it } from 'node:test';
import { issueKey } from '../../src/core/keys/index.js';
import { routeAccess } from '../../src/admin/access.js';
import { createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect } from '../helpers/harness.js';

it('maps admin routes to the permission of their area', () => {
  assert.deepEqual(routeAccess('GET', '/v1/organization/users'), { permission: 'api.management.read', projectScoped: false });
  assert.deepEqual(routeAccess('POST', '/v1/organization/admin_api_keys'), { permission: 'api.management.write', projectScoped: false });
  assert.deepEqual(routeAccess('GET', '/v1/organization/usage/completions'), { permission: 'api.usage.read', projectScoped: false });
  assert.deepEqual(routeAccess('GET', '/v1/organization/costs'), { permission: 'api.usage.read', projectScoped: false });
  assert.deepEqual(routeAccess('POST', '/v1/organization/usage/records'), { permission: 'api.management.write', projectScoped: false });
  assert.deepEqual(routeAccess('GET', '/v1/organization/groups/:group_id/users'), { permission: 'api.groups.read', projectScoped: false });
  assert.deepEqual(routeAccess('POST', '/v1/organization/groups/:group_id/roles'), { permission: 'api.roles.write', projectScoped: false });
  assert.deepEqual(routeAccess('DELETE', '/v1/projects/:project_id/users/:user_id/roles/:role_id'), { permission: 'api.roles.write', projectScoped: true });
  assert.deepEqual(routeAccess('GET', '/v1/organization/projects/:project_id/api_keys'), { permission: 'api.organization.projects.api_keys.read', projectScoped: true });
  assert.deepEqual(routeAccess('POST', '/v1/organization/projects/:project_id/service_accounts'), { permission: 'api.organization.projects.service_accounts.write', projectScoped: true });
  assert.deepEqual(routeAccess('POST', '/v1/organization/projects/:project_id/archive'), { permission: 'api.organization.projects.write', projectScoped: true });
  assert.deepEqual(routeAccess('POST', '/v1/organization/projects'), { permission: 'api.organization.projects.write', projectScoped: false });
  assert.deepEqual(routeAccess('POST', '/v1/organization/certificates/activate'), { permission: 'api.mtls.write', projectScoped: false });
});

forEachDialect('authorization of admin keys', (server) => {
  it('limits the admin key of an owner demoted to reader to what a reader may do', async () => {
    const s = server();
    const user = await seedUser(s, { role: 'owner' });
    const { value: key } = await issueKey(s.ctx.db, { kind: 'admin', name: 'second', projectId: null, ownerType: 'user', ownerId: user.id, expiresAt: null, createdAt: s.clock.now() });
    const projectId = await createProject(s, 'Authorization');
    // As an owner: everything.
    assert.equal((await s.get('/v1/organization/users', { key })).status, 200);
    assert.equal((await s.get('/v1/organization/costs?start_time=0&limit=1', { key })).status, 200);

    assert.equal((await s.post(`/v1/organization/users/${user.id}`, { role: 'reader' })).status, 200);
    const before = await s.auditCount();
    // A reader holds no administration or usage permission ...
    const refused = await s.get('/v1/organization/users', { key });
    assertError(refused, 403);
    assert.match(refused.body.error.message, /api\.management\.read/);
    assertError(await s.post('/v1/organization/projects', { name: 'Not allowed' }, { key }), 403);
    assertError(await s.get('/v1/organization/costs?start_time=0&limit=1', { key }), 403);
    assertError(await s.post(`/v1/organization/projects/${projectId}`, { name: 'Renamed' }, { key }), 403);
    assert.equal(await s.auditCount(), before);
    // ... but reads groups and roles, and manages project API keys (the reader role's permissions).
    assert.equal((await s.get('/v1/organization/groups', { key })).status, 200);
    assert.equal((await s.get('/v1/organization/roles', { key })).status, 200);
    assert.equal((await s.get(`/v1/organization/projects/${projectId}/api_keys`, { key })).status, 200);

    // A project role adds what it grants in that project only.
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: user.id, role: 'owner' })).status, 200);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}`, { name: 'Renamed' }, { key })).status, 200);
    const other = await createProject(s, 'Other');
    assertError(await s.post(`/v1/organization/projects/${other}`, { name: 'Renamed' }, { key }), 403);

    // Promoted again: everything again.
    assert.equal((await s.post(`/v1/organization/users/${user.id}`, { role: 'owner' })).status, 200);
    assert.equal((await s.get('/v1/organization/users', { key })).status, 200);
  });
});
