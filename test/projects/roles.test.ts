import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PREDEFINED_ROLES, effectivePermissions } from '../../src/core/access/index.js';
import { createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const roles = (projectId: string) => `/v1/projects/${projectId}/roles`;
const userRoles = (projectId: string, userId: string) => `/v1/projects/${projectId}/users/${userId}/roles`;
const groupRoles = (projectId: string, groupId: string) => `/v1/projects/${projectId}/groups/${groupId}/roles`;

const predefined = (id: string) => {
  const r = PREDEFINED_ROLES.find((p) => p.id === id)!;
  return { object: 'role', id: r.id, name: r.name, description: r.description, permissions: [...r.permissions], resource_type: r.resource_type, predefined_role: true };
};
const permissionsOf = (id: string) => PREDEFINED_ROLES.find((p) => p.id === id)!.permissions;

async function addMember(s: TestServer, projectId: string, userId: string, role: 'owner' | 'member' = 'member') {
  const res = await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: userId, role });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function createGroup(s: TestServer, name: string): Promise<string> {
  const res = await s.post('/v1/organization/groups', { name });
  assert.equal(res.status, 200);
  return res.body.id;
}

forEachDialect('project roles', (server) => {
  it('lists the predefined project roles, then the project\'s own roles', async () => {
    const s = server();
    const projectId = await createProject(s, 'Roles');
    const res = await s.get(roles(projectId));
    assert.equal(res.status, 200);
    assertSpec('list-project-roles', res.body);
    assert.deepEqual(res.body, { object: 'list', data: ['role_proj_owner', 'role_proj_member', 'role_proj_viewer'].map(predefined), has_more: false, next: null });
    const got = await s.get(`${roles(projectId)}/role_proj_viewer`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-role', got.body);
    assert.deepEqual(got.body, predefined('role_proj_viewer'));
    assertError(await s.get(`${roles(projectId)}/role_org_owner`), 404, 'role_id');
    assertError(await s.get(roles('proj_missing')), 404, 'project_id');
    assertError(await s.get(`${roles('proj_missing')}/role_proj_owner`), 404, 'project_id');
  });

  it('creates, updates and deletes project roles with project-scoped audit events', async () => {
    const s = server();
    const projectId = await createProject(s, 'Keys');
    const otherId = await createProject(s, 'Elsewhere');
    const before = await s.auditCount();
    const body = {
      role_name: 'API Project Key Manager',
      permissions: ['api.organization.projects.api_keys.read', 'api.organization.projects.api_keys.write'],
      description: 'Allows managing API keys for the project',
    };
    const created = await s.post(roles(projectId), body);
    assert.equal(created.status, 200);
    assertSpec('create-project-role', created.body);
    const role = { object: 'role', id: created.body.id, name: body.role_name, description: body.description, permissions: body.permissions, resource_type: 'api.project', predefined_role: false };
    assert.deepEqual(created.body, role);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.created');
    assert.deepEqual(event['role.created'], { id: role.id, role_name: body.role_name, permissions: body.permissions, resource_type: 'api.project', resource_id: projectId });
    assert.deepEqual(event.project, { id: projectId, name: 'Keys' });

    const got = await s.get(`${roles(projectId)}/${role.id}`);
    assertSpec('retrieve-project-role', got.body);
    assert.deepEqual(got.body, role);
    // Project roles belong to their project only.
    assertError(await s.get(`${roles(otherId)}/${role.id}`), 404, 'role_id');
    assertError(await s.get(`/v1/organization/roles/${role.id}`), 404, 'role_id');
    assert.deepEqual((await s.get(roles(otherId))).body.data.length, 3);
    // Names are unique per project: the same name elsewhere is fine.
    assert.equal((await s.post(roles(otherId), body)).status, 200);

    const updated = await s.post(`${roles(projectId)}/${role.id}`, { permissions: ['api.organization.projects.api_keys.read'] });
    assert.equal(updated.status, 200);
    assertSpec('update-project-role', updated.body);
    assert.deepEqual(updated.body, { ...role, permissions: ['api.organization.projects.api_keys.read'] });
    const upd = await s.lastAudit();
    assert.deepEqual(upd['role.updated'], {
      id: role.id,
      changes_requested: { permissions_removed: ['api.organization.projects.api_keys.write'], resource_id: projectId, resource_type: 'api.project' },
    });
    assert.deepEqual(upd.project, { id: projectId, name: 'Keys' });

    const deleted = await s.delete(`${roles(projectId)}/${role.id}`);
    assert.equal(deleted.status, 200);
    assertSpec('delete-project-role', deleted.body);
    assert.deepEqual(deleted.body, { object: 'role.deleted', id: role.id, deleted: true });
    const del = await s.lastAudit();
    assert.deepEqual(del['role.deleted'], { id: role.id });
    assert.deepEqual(del.project, { id: projectId, name: 'Keys' });
    assertError(await s.get(`${roles(projectId)}/${role.id}`), 404, 'role_id');
  });

  it('validates project roles: project permissions only, unique names, predefined read-only, archived projects', async () => {
    const s = server();
    const projectId = await createProject(s, 'Strict');
    const role = await s.post(roles(projectId), { role_name: 'Files', permissions: ['api.files.read'] });
    assert.equal(role.status, 200);
    const before = await s.auditCount();
    const orgOnly = await s.post(roles(projectId), { role_name: 'Admin', permissions: ['api.files.read', 'api.management.write'] });
    assertError(orgOnly, 400, 'permissions[1]');
    assert.match(orgOnly.body.error.message, /api\.management\.write/);
    assertError(await s.post(roles(projectId), { role_name: 'X', permissions: ['api.unknown.read'] }), 400, 'permissions[0]');
    assertError(await s.post(roles(projectId), { role_name: 'Files', permissions: ['api.files.read'] }), 409, 'role_name');
    assertError(await s.post(roles(projectId), { role_name: 'member', permissions: ['api.files.read'] }), 409, 'role_name');
    assertError(await s.post(`${roles(projectId)}/${role.body.id}`, { role_name: 'viewer' }), 409, 'role_name');
    assertError(await s.post(`${roles(projectId)}/role_proj_member`, { role_name: 'Renamed' }), 400, 'role_id');
    assertError(await s.delete(`${roles(projectId)}/role_proj_owner`), 400, 'role_id');
    assertError(await s.post(roles('proj_missing'), { role_name: 'X', permissions: ['api.files.read'] }), 404, 'project_id');
    assertError(await s.post(roles(projectId), { role_name: 'X', permissions: ['api.files.read'], resource_type: 'api.project' }), 400, 'resource_type');
    assert.equal(await s.auditCount(), before);

    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);
    const archived = await s.auditCount();
    assertError(await s.post(roles(projectId), { role_name: 'Late', permissions: ['api.files.read'] }), 400, 'project_id');
    assertError(await s.post(`${roles(projectId)}/${role.body.id}`, { role_name: 'Later' }), 400, 'project_id');
    assertError(await s.delete(`${roles(projectId)}/${role.body.id}`), 400, 'project_id');
    assert.equal(await s.auditCount(), archived);
    assert.equal((await s.get(roles(projectId))).body.data.length, 4);
  });

  it('assigns project roles to project members; lists show membership, direct and group roles', async () => {
    const s = server();
    const projectId = await createProject(s, 'Team');
    const user = await seedUser(s, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const outsider = await seedUser(s);
    await addMember(s, projectId, user.id, 'member');
    const custom = (await s.post(roles(projectId), { role_name: 'Evals', permissions: ['api.evals.read'] })).body;

    const before = await s.auditCount();
    const res = await s.post(userRoles(projectId, user.id), { role_id: custom.id });
    assert.equal(res.status, 200);
    assertSpec('assign-project-user-role', res.body);
    assert.deepEqual(res.body, {
      object: 'user.role',
      user: { object: 'organization.user', id: user.id, name: 'Ada Lovelace', email: 'ada@example.com', role: 'reader', added_at: user.added_at },
      role: custom,
    });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    const assignmentId = event['role.assignment.created'].id;
    assert.deepEqual(event['role.assignment.created'], { id: assignmentId, principal_id: user.id, principal_type: 'user', resource_id: projectId, resource_type: 'api.project' });
    assert.deepEqual(event.project, { id: projectId, name: 'Team' });

    const list = await s.get(userRoles(projectId, user.id));
    assert.equal(list.status, 200);
    assertSpec('list-project-user-role-assignments', list.body);
    assert.deepEqual(list.body.data.map((r: any) => [r.id, r.assignment_sources]), [['role_proj_member', null], [custom.id, null]]);
    assert.equal(list.body.next, null);
    const got = await s.get(`${userRoles(projectId, user.id)}/${custom.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-user-role', got.body);
    assert.deepEqual(got.body, list.body.data[1]);
    // Organization assignments are not project assignments.
    assert.deepEqual((await s.get(`/v1/organization/users/${user.id}/roles`)).body.data.map((r: any) => r.id), ['role_org_reader']);

    const failures = await s.auditCount();
    assertError(await s.post(userRoles(projectId, user.id), { role_id: custom.id }), 409, 'role_id');
    assertError(await s.post(userRoles(projectId, outsider.id), { role_id: custom.id }), 400, 'user_id');
    assertError(await s.post(userRoles(projectId, user.id), { role_id: 'role_org_reader' }), 404, 'role_id');
    assertError(await s.post(userRoles(projectId, 'user-missing'), { role_id: custom.id }), 404, 'user_id');
    assertError(await s.post(userRoles('proj_missing', user.id), { role_id: custom.id }), 404, 'project_id');
    assertError(await s.get(`${userRoles(projectId, user.id)}/role_proj_owner`), 404, 'role_id');
    assertError(await s.delete(`${userRoles(projectId, user.id)}/role_proj_member`), 400, 'role_id');
    assertError(await s.delete(`${userRoles(projectId, user.id)}/role_proj_owner`), 404, 'role_id');
    assertError(await s.delete(`${roles(projectId)}/${custom.id}`), 409, 'role_id');
    assert.equal(await s.auditCount(), failures);

    const removed = await s.delete(`${userRoles(projectId, user.id)}/${custom.id}`);
    assert.equal(removed.status, 200);
    assertSpec('unassign-project-user-role', removed.body);
    assert.deepEqual(removed.body, { object: 'user.role.deleted', deleted: true });
    const del = await s.lastAudit();
    assert.deepEqual(del['role.assignment.deleted'], { id: assignmentId, principal_id: user.id, principal_type: 'user', resource_id: projectId, resource_type: 'api.project' });
    assert.deepEqual(del.project, { id: projectId, name: 'Team' });
  });

  it('assigns project roles to project groups; a project group keeps at least one role', async () => {
    const s = server();
    const projectId = await createProject(s, 'Groups');
    const groupId = await createGroup(s, 'Support Team');
    const outsiderGroup = await createGroup(s, 'Outsiders');
    const custom = (await s.post(roles(projectId), { role_name: 'Batch', permissions: ['api.batch.write'] })).body;
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/groups`, { group_id: groupId, role: 'role_proj_viewer' })).status, 200);

    const before = await s.auditCount();
    const res = await s.post(groupRoles(projectId, groupId), { role_id: custom.id });
    assert.equal(res.status, 200);
    assertSpec('assign-project-group-role', res.body);
    assert.equal(res.body.object, 'group.role');
    assert.deepEqual(res.body.role, custom);
    assert.deepEqual({ ...res.body.group, created_at: 0 }, { object: 'group', id: groupId, name: 'Support Team', created_at: 0, scim_managed: false });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    const assignmentId = event['role.assignment.created'].id;
    assert.deepEqual(event['role.assignment.created'], { id: assignmentId, principal_id: groupId, principal_type: 'group', resource_id: projectId, resource_type: 'api.project' });
    assert.deepEqual(event.project, { id: projectId, name: 'Groups' });

    const list = await s.get(groupRoles(projectId, groupId));
    assert.equal(list.status, 200);
    assertSpec('list-project-group-role-assignments', list.body);
    assert.deepEqual(list.body.data.map((r: any) => r.id), ['role_proj_viewer', custom.id]);
    const page = await s.get(`${groupRoles(projectId, groupId)}?limit=1&order=desc`);
    assert.deepEqual(page.body.data.map((r: any) => r.id), [custom.id]);
    assert.equal(page.body.next, custom.id);
    const got = await s.get(`${groupRoles(projectId, groupId)}/${custom.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-group-role', got.body);
    assert.deepEqual(got.body, list.body.data[1]);

    const failures = await s.auditCount();
    assertError(await s.post(groupRoles(projectId, groupId), { role_id: custom.id }), 409, 'role_id');
    assertError(await s.post(groupRoles(projectId, outsiderGroup), { role_id: custom.id }), 400, 'group_id');
    assertError(await s.post(groupRoles(projectId, 'group_missing'), { role_id: custom.id }), 404, 'group_id');
    assertError(await s.post(groupRoles(projectId, groupId), { role_id: 'role_org_owner' }), 404, 'role_id');
    assertError(await s.get(`${groupRoles(projectId, groupId)}/role_proj_owner`), 404, 'role_id');
    assertError(await s.get(`${groupRoles(projectId, groupId)}?limit=2000`), 400, 'limit');
    assert.equal(await s.auditCount(), failures);

    const removed = await s.delete(`${groupRoles(projectId, groupId)}/${custom.id}`);
    assert.equal(removed.status, 200);
    assertSpec('unassign-project-group-role', removed.body);
    assert.deepEqual(removed.body, { object: 'group.role.deleted', deleted: true });
    assert.deepEqual((await s.lastAudit())['role.assignment.deleted'], { id: assignmentId, principal_id: groupId, principal_type: 'group', resource_id: projectId, resource_type: 'api.project' });
    // The last role stays: removing it would leave the group in the project with no role.
    const last = await s.auditCount();
    assertError(await s.delete(`${groupRoles(projectId, groupId)}/role_proj_viewer`), 400, 'role_id');
    assert.equal(await s.auditCount(), last);

    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);
    const archived = await s.auditCount();
    assertError(await s.post(groupRoles(projectId, groupId), { role_id: 'role_proj_owner' }), 400, 'project_id');
    assertError(await s.post(userRoles(projectId, s.boot.ownerUserId), { role_id: 'role_proj_owner' }), 400, 'project_id');
    assert.equal(await s.auditCount(), archived);
  });

  it('effective project permissions add project membership, direct and project group roles to the organization\'s', async () => {
    const s = server();
    const db = s.ctx.db;
    const projectId = await createProject(s, 'Effective');
    const otherId = await createProject(s, 'Other');
    const user = await seedUser(s, { role: 'reader' });
    const reader = permissionsOf('role_org_reader');
    const union = (...lists: (readonly string[])[]) => [...new Set(lists.flat())].sort();

    // Not in the project: organization permissions only.
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId }), union(reader));

    await addMember(s, projectId, user.id, 'member');
    const member = permissionsOf('role_proj_member');
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId }), union(reader, member));

    const direct = (await s.post(roles(projectId), { role_name: 'Service accounts', permissions: ['api.organization.projects.service_accounts.read'] })).body;
    assert.equal((await s.post(userRoles(projectId, user.id), { role_id: direct.id })).status, 200);
    const groupId = await createGroup(s, 'Admins');
    assert.equal((await s.post(`/v1/organization/groups/${groupId}/users`, { user_id: user.id })).status, 200);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/groups`, { group_id: groupId, role: 'role_proj_owner' })).status, 200);
    const owner = permissionsOf('role_proj_owner');
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId }), union(reader, member, direct.permissions, owner));

    // Another project sees none of it; organization scope sees none of it.
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId: otherId }), union(reader));
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union(reader));

    // Group project roles follow the group's access to the project.
    assert.equal((await s.delete(`/v1/organization/projects/${projectId}/groups/${groupId}`)).status, 200);
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId }), union(reader, member, direct.permissions));
    const listed = await s.get(userRoles(projectId, user.id));
    assert.deepEqual(listed.body.data.map((r: any) => r.id), ['role_proj_member', direct.id]);
  });

  it('lists group-inherited project roles on the member with their sources', async () => {
    const s = server();
    const projectId = await createProject(s, 'Inherit');
    const user = await seedUser(s);
    const groupId = await createGroup(s, 'Viewers');
    assert.equal((await s.post(`/v1/organization/groups/${groupId}/users`, { user_id: user.id })).status, 200);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/groups`, { group_id: groupId, role: 'role_proj_viewer' })).status, 200);
    const list = await s.get(userRoles(projectId, user.id));
    assertSpec('list-project-user-role-assignments', list.body);
    assert.deepEqual(list.body.data.map((r: any) => [r.id, r.assignment_sources]), [['role_proj_viewer', [{ principal_id: groupId, principal_type: 'group' }]]]);
    assertError(await s.delete(`${userRoles(projectId, user.id)}/role_proj_viewer`), 400, 'role_id');
  });
});
