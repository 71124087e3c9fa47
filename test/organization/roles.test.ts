import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PERMISSIONS, PREDEFINED_ROLES, effectivePermissions } from '../../src/core/access/index.js';
import { bootActor, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const ROLES = '/v1/organization/roles';
const userRoles = (userId: string) => `/v1/organization/users/${userId}/roles`;
const groupRoles = (groupId: string) => `/v1/organization/groups/${groupId}/roles`;

async function createRole(s: TestServer, role_name: string, permissions: string[], description?: string): Promise<any> {
  const res = await s.post(ROLES, { role_name, permissions, description });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function createGroup(s: TestServer, name: string): Promise<string> {
  const res = await s.post('/v1/organization/groups', { name });
  assert.equal(res.status, 200);
  return res.body.id;
}

const predefined = (id: string) => {
  const r = PREDEFINED_ROLES.find((p) => p.id === id)!;
  return { object: 'role', id: r.id, name: r.name, description: r.description, permissions: [...r.permissions], resource_type: r.resource_type, predefined_role: true };
};

/** A role as assignment lists show it. */
const assigned = (role: any, extra: Record<string, unknown>) => {
  const { object: _object, ...rest } = role;
  return { ...rest, metadata: {}, ...extra };
};

forEachDialect('organization roles', (server) => {
  it('lists the predefined organization roles first, with their permissions', async () => {
    const s = server();
    const res = await s.get(ROLES);
    assert.equal(res.status, 200);
    assertSpec('list-roles', res.body);
    assert.deepEqual(res.body, { object: 'list', data: [predefined('role_org_owner'), predefined('role_org_reader')], has_more: false, next: null });
    assert.deepEqual(res.body.data[0].permissions, PERMISSIONS.map((p) => p.permission));
    const got = await s.get(`${ROLES}/role_org_reader`);
    assertSpec('retrieve-role', got.body);
    assert.deepEqual(got.body, predefined('role_org_reader'));
    // Project roles are not organization roles.
    assertError(await s.get(`${ROLES}/role_proj_owner`), 404, 'role_id');
  });

  it('creates, updates and deletes custom roles with their audit events', async () => {
    const s = server();
    const orgId = s.boot.organizationId;
    const before = await s.auditCount();
    const created = await s.post(ROLES, { role_name: 'API Group Manager', permissions: ['api.groups.read', 'api.groups.write'], description: 'Allows managing organization groups' });
    assert.equal(created.status, 200);
    assertSpec('create-role', created.body);
    assert.match(created.body.id, /^role_[A-Za-z0-9]{24}$/);
    const role = {
      object: 'role', id: created.body.id, name: 'API Group Manager', description: 'Allows managing organization groups',
      permissions: ['api.groups.read', 'api.groups.write'], resource_type: 'api.organization', predefined_role: false,
    };
    assert.deepEqual(created.body, role);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.created');
    assert.deepEqual(event['role.created'], {
      id: role.id, role_name: 'API Group Manager', permissions: ['api.groups.read', 'api.groups.write'], resource_type: 'api.organization', resource_id: orgId,
    });
    assert.equal(event.project, undefined);
    assert.deepEqual(event.actor, await bootActor(s));

    const got = await s.get(`${ROLES}/${role.id}`);
    assertSpec('retrieve-role', got.body);
    assert.deepEqual(got.body, role);
    const list = await s.get(ROLES);
    assert.deepEqual(list.body.data.map((r: any) => r.id), ['role_org_owner', 'role_org_reader', role.id]);

    const updated = await s.post(`${ROLES}/${role.id}`, { role_name: 'Group Admin', permissions: ['api.groups.read', 'api.roles.read'], description: 'Groups and roles' });
    assert.equal(updated.status, 200);
    assertSpec('update-role', updated.body);
    const role2 = { ...role, name: 'Group Admin', permissions: ['api.groups.read', 'api.roles.read'], description: 'Groups and roles' };
    assert.deepEqual(updated.body, role2);
    const upd = await s.lastAudit();
    assert.equal(upd.type, 'role.updated');
    assert.deepEqual(upd['role.updated'], {
      id: role.id,
      changes_requested: {
        role_name: 'Group Admin', permissions_added: ['api.roles.read'], permissions_removed: ['api.groups.write'], description: 'Groups and roles',
        resource_id: orgId, resource_type: 'api.organization',
      },
    });
    assert.equal(await s.auditCount(), before + 2);

    // Nothing to change (null fields, same values, reordered permissions): no event.
    for (const body of [{}, { role_name: null, permissions: null, description: null }, { role_name: 'Group Admin', permissions: ['api.roles.read', 'api.groups.read'] }]) {
      const same = await s.post(`${ROLES}/${role.id}`, body);
      assert.equal(same.status, 200);
      assert.deepEqual(same.body, role2);
    }
    assert.equal(await s.auditCount(), before + 2);

    // An empty description clears it.
    const cleared = await s.post(`${ROLES}/${role.id}`, { description: '' });
    assert.equal(cleared.body.description, null);
    assert.deepEqual((await s.lastAudit())['role.updated'].changes_requested, { description: '', resource_id: orgId, resource_type: 'api.organization' });

    const deleted = await s.delete(`${ROLES}/${role.id}`);
    assert.equal(deleted.status, 200);
    assertSpec('delete-role', deleted.body);
    assert.deepEqual(deleted.body, { object: 'role.deleted', id: role.id, deleted: true });
    const del = await s.lastAudit();
    assert.equal(del.type, 'role.deleted');
    assert.deepEqual(del['role.deleted'], { id: role.id });
    assertError(await s.get(`${ROLES}/${role.id}`), 404, 'role_id');
  });

  it('validates role bodies: catalog permissions, unique names, predefined roles are read-only', async () => {
    const s = server();
    const role = await createRole(s, 'Taken', ['api.files.read']);
    const before = await s.auditCount();
    assertError(await s.post(ROLES, { role_name: 'X', permissions: ['api.files.read', 'api.files.delete'] }), 400, 'permissions[1]');
    const unknown = await s.post(ROLES, { role_name: 'X', permissions: ['api.nope.read'] });
    assertError(unknown, 400, 'permissions[0]');
    assert.match(unknown.body.error.message, /api\.nope\.read/);
    assertError(await s.post(ROLES, { role_name: 'X', permissions: ['api.files.read', 'api.files.read'] }), 400, 'permissions[1]');
    assertError(await s.post(ROLES, { role_name: 'X', permissions: [] }), 400, 'permissions');
    assertError(await s.post(ROLES, { role_name: 'X' }), 400, 'permissions');
    assertError(await s.post(ROLES, { role_name: 'X', permissions: 'api.files.read' }), 400, 'permissions');
    assertError(await s.post(ROLES, { permissions: ['api.files.read'] }), 400, 'role_name');
    assertError(await s.post(ROLES, { role_name: '', permissions: ['api.files.read'] }), 400, 'role_name');
    assertError(await s.post(ROLES, { role_name: 'X', permissions: ['api.files.read'], description: 5 }), 400, 'description');
    assertError(await s.post(ROLES, { role_name: 'X', permissions: ['api.files.read'], color: 'red' }), 400, 'color');
    assertError(await s.post(ROLES, { role_name: 'Taken', permissions: ['api.files.read'] }), 409, 'role_name');
    assertError(await s.post(ROLES, { role_name: 'owner', permissions: ['api.files.read'] }), 409, 'role_name');
    assertError(await s.post(`${ROLES}/${role.id}`, { role_name: 'reader' }), 409, 'role_name');
    assertError(await s.post(`${ROLES}/${role.id}`, { permissions: [] }), 400, 'permissions');
    assertError(await s.post(`${ROLES}/${role.id}`, { permissions: ['api.bogus'] }), 400, 'permissions[0]');
    assertError(await s.post(`${ROLES}/${role.id}`, { role_name: '' }), 400, 'role_name');
    assertError(await s.post(`${ROLES}/role_org_owner`, { description: 'mine now' }), 400, 'role_id');
    assertError(await s.delete(`${ROLES}/role_org_reader`), 400, 'role_id');
    assertError(await s.post(`${ROLES}/role_missing`, { description: 'x' }), 404, 'role_id');
    assertError(await s.delete(`${ROLES}/role_missing`), 404, 'role_id');
    assertError(await s.get(`${ROLES}?limit=1001`), 400, 'limit');
    assertError(await s.get(`${ROLES}?after=role_unknown`), 400, 'after');
    assert.equal(await s.auditCount(), before);
    assert.deepEqual((await s.get(`${ROLES}/${role.id}`)).body.permissions, ['api.files.read']);
  });

  it('pages roles with next', async () => {
    const s = server();
    const first = await s.get(`${ROLES}?limit=1`);
    assertSpec('list-roles', first.body);
    assert.deepEqual(first.body.data.map((r: any) => r.id), ['role_org_owner']);
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.next, 'role_org_owner');
    const second = await s.get(`${ROLES}?limit=1&after=${first.body.next}`);
    assert.deepEqual(second.body.data.map((r: any) => r.id), ['role_org_reader']);
    const desc = await s.get(`${ROLES}?order=desc`);
    const asc = await s.get(ROLES);
    assert.deepEqual(desc.body.data.map((r: any) => r.id), asc.body.data.map((r: any) => r.id).reverse());
  });

  it('assigns, lists, retrieves and unassigns user roles; the membership role is listed', async () => {
    const s = server();
    const orgId = s.boot.organizationId;
    const role = await createRole(s, 'File Reader', ['api.files.read'], 'Reads files');
    const user = await seedUser(s, { name: 'Ada Lovelace', email: 'ada@example.com', role: 'reader' });
    s.clock.advance(3);

    const before = await s.auditCount();
    const res = await s.post(userRoles(user.id), { role_id: role.id });
    assert.equal(res.status, 200);
    assertSpec('assign-user-role', res.body);
    assert.deepEqual(res.body, {
      object: 'user.role',
      user: { object: 'organization.user', id: user.id, name: 'Ada Lovelace', email: 'ada@example.com', role: 'reader', added_at: user.added_at },
      role,
    });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.assignment.created');
    const assignmentId = event['role.assignment.created'].id;
    assert.match(assignmentId, /^ra_[A-Za-z0-9]{24}$/);
    assert.deepEqual(event['role.assignment.created'], { id: assignmentId, principal_id: user.id, principal_type: 'user', resource_id: orgId, resource_type: 'api.organization' });

    const owner = await s.get(`/v1/organization/users/${s.boot.ownerUserId}`);
    const creator = { id: s.boot.ownerUserId, name: owner.body.name, email: owner.body.email };
    const created = s.clock.now() - 3;
    const custom = assigned(role, { created_at: created, updated_at: created, created_by: s.boot.ownerUserId, created_by_user_obj: creator, assignment_sources: null });
    const reader = assigned(predefined('role_org_reader'), { created_at: null, updated_at: null, created_by: null, created_by_user_obj: null, assignment_sources: null });

    const list = await s.get(userRoles(user.id));
    assert.equal(list.status, 200);
    assertSpec('list-user-role-assignments', list.body);
    assert.deepEqual(list.body, { object: 'list', data: [reader, custom], has_more: false, next: null });
    const page = await s.get(`${userRoles(user.id)}?limit=1`);
    assert.deepEqual(page.body, { object: 'list', data: [reader], has_more: true, next: 'role_org_reader' });
    const rest = await s.get(`${userRoles(user.id)}?limit=1&after=role_org_reader`);
    assert.deepEqual(rest.body, { object: 'list', data: [custom], has_more: false, next: null });

    const got = await s.get(`${userRoles(user.id)}/${role.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-user-role', got.body);
    assert.deepEqual(got.body, custom);

    const failures = await s.auditCount();
    assertError(await s.post(userRoles(user.id), { role_id: role.id }), 409, 'role_id');
    assertError(await s.post(userRoles(user.id), { role_id: 'role_proj_owner' }), 404, 'role_id');
    assertError(await s.post(userRoles(user.id), { role_id: 'role_missing' }), 404, 'role_id');
    assertError(await s.post(userRoles(user.id), {}), 400, 'role_id');
    assertError(await s.post(userRoles(user.id), { role_id: 1 }), 400, 'role_id');
    assertError(await s.post(userRoles('user-missing'), { role_id: role.id }), 404, 'user_id');
    assertError(await s.get(userRoles('user-missing')), 404, 'user_id');
    assertError(await s.get(`${userRoles(user.id)}/role_org_owner`), 404, 'role_id');
    assertError(await s.delete(`${userRoles(user.id)}/role_org_owner`), 404, 'role_id');
    // The membership role is not an assignment: change the user's role instead.
    assertError(await s.delete(`${userRoles(user.id)}/role_org_reader`), 400, 'role_id');
    // Assigned roles cannot be deleted.
    const inUse = await s.delete(`${ROLES}/${role.id}`);
    assertError(inUse, 409, 'role_id');
    assert.match(inUse.body.error.message, /1 assignment/);
    assert.equal(await s.auditCount(), failures);

    const removed = await s.delete(`${userRoles(user.id)}/${role.id}`);
    assert.equal(removed.status, 200);
    assertSpec('unassign-user-role', removed.body);
    assert.deepEqual(removed.body, { object: 'user.role.deleted', deleted: true });
    const del = await s.lastAudit();
    assert.equal(del.type, 'role.assignment.deleted');
    assert.deepEqual(del['role.assignment.deleted'], { id: assignmentId, principal_id: user.id, principal_type: 'user', resource_id: orgId, resource_type: 'api.organization' });
    assertError(await s.get(`${userRoles(user.id)}/${role.id}`), 404, 'role_id');
    assert.equal((await s.delete(`${ROLES}/${role.id}`)).status, 200);
  });

  it('assigns, lists, retrieves and unassigns group roles; members inherit them with assignment_sources', async () => {
    const s = server();
    const orgId = s.boot.organizationId;
    const role = await createRole(s, 'Usage Reader', ['api.usage.read']);
    const groupId = await createGroup(s, 'Finance');
    const user = await seedUser(s, { role: 'reader' });
    assert.equal((await s.post(`/v1/organization/groups/${groupId}/users`, { user_id: user.id })).status, 200);

    const before = await s.auditCount();
    const res = await s.post(groupRoles(groupId), { role_id: role.id });
    assert.equal(res.status, 200);
    assertSpec('assign-group-role', res.body);
    const group = await s.get(`/v1/organization/groups/${groupId}`);
    assert.deepEqual(res.body, {
      object: 'group.role',
      group: { object: 'group', id: groupId, name: 'Finance', created_at: group.body.created_at, scim_managed: false },
      role,
    });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    const assignmentId = event['role.assignment.created'].id;
    assert.deepEqual(event['role.assignment.created'], { id: assignmentId, principal_id: groupId, principal_type: 'group', resource_id: orgId, resource_type: 'api.organization' });

    const list = await s.get(groupRoles(groupId));
    assert.equal(list.status, 200);
    assertSpec('list-group-role-assignments', list.body);
    assert.deepEqual(list.body.data.map((r: any) => [r.id, r.assignment_sources]), [[role.id, null]]);
    assert.equal(list.body.next, null);
    const got = await s.get(`${groupRoles(groupId)}/${role.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-group-role', got.body);
    assert.deepEqual(got.body, list.body.data[0]);

    // The member holds the role through the group; assigning it directly as well lists both sources.
    const inherited = await s.get(`${userRoles(user.id)}/${role.id}`);
    assertSpec('retrieve-user-role', inherited.body);
    assert.deepEqual(inherited.body.assignment_sources, [{ principal_id: groupId, principal_type: 'group' }]);
    assertError(await s.delete(`${userRoles(user.id)}/${role.id}`), 400, 'role_id');
    assert.equal((await s.post(userRoles(user.id), { role_id: role.id })).status, 200);
    const both = await s.get(`${userRoles(user.id)}/${role.id}`);
    assert.deepEqual(both.body.assignment_sources, [{ principal_id: user.id, principal_type: 'user' }, { principal_id: groupId, principal_type: 'group' }]);
    assert.equal((await s.delete(`${userRoles(user.id)}/${role.id}`)).status, 200);

    const failures = await s.auditCount();
    assertError(await s.post(groupRoles(groupId), { role_id: role.id }), 409, 'role_id');
    assertError(await s.post(groupRoles(groupId), { role_id: 'role_proj_member' }), 404, 'role_id');
    assertError(await s.post(groupRoles('group_missing'), { role_id: role.id }), 404, 'group_id');
    assertError(await s.get(groupRoles('group_missing')), 404, 'group_id');
    assertError(await s.get(`${groupRoles(groupId)}/role_org_owner`), 404, 'role_id');
    assertError(await s.delete(`${groupRoles(groupId)}/role_org_owner`), 404, 'role_id');
    assertError(await s.post(groupRoles(groupId), { role_id: role.id, extra: 1 }), 400, 'extra');
    assertError(await s.delete(`${ROLES}/${role.id}`), 409, 'role_id');
    assert.equal(await s.auditCount(), failures);

    const removed = await s.delete(`${groupRoles(groupId)}/${role.id}`);
    assert.equal(removed.status, 200);
    assertSpec('unassign-group-role', removed.body);
    assert.deepEqual(removed.body, { object: 'group.role.deleted', deleted: true });
    assert.deepEqual((await s.lastAudit())['role.assignment.deleted'], { id: assignmentId, principal_id: groupId, principal_type: 'group', resource_id: orgId, resource_type: 'api.organization' });
    assertError(await s.get(`${userRoles(user.id)}/${role.id}`), 404, 'role_id');
  });

  it('effective permissions are the union of membership, direct and group roles', async () => {
    const s = server();
    const db = s.ctx.db;
    const reader = PREDEFINED_ROLES.find((r) => r.id === 'role_org_reader')!.permissions;
    const union = (...extra: string[]) => [...new Set([...reader, ...extra])].sort();
    const direct = await createRole(s, 'Direct', ['api.usage.read', 'api.groups.write']);
    const viaGroup = await createRole(s, 'Via group', ['api.roles.write', 'api.groups.write']);
    const groupId = await createGroup(s, 'Analysts');
    const user = await seedUser(s, { role: 'reader' });
    const bystander = await seedUser(s, { role: 'reader' });

    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union());
    assert.equal((await s.post(userRoles(user.id), { role_id: direct.id })).status, 200);
    assert.equal((await s.post(groupRoles(groupId), { role_id: viaGroup.id })).status, 200);
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write'));
    assert.equal((await s.post(`/v1/organization/groups/${groupId}/users`, { user_id: user.id })).status, 200);
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write', 'api.roles.write'));
    assert.deepEqual(await effectivePermissions(db, { userId: bystander.id }), union());

    // Custom roles are read live: changing a role changes what its holders may do.
    assert.equal((await s.post(`${ROLES}/${viaGroup.id}`, { permissions: ['api.oidc.read'] })).status, 200);
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write', 'api.oidc.read'));

    // Leaving the group drops its roles; an owner holds every permission.
    assert.equal((await s.delete(`/v1/organization/groups/${groupId}/users/${user.id}`)).status, 200);
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write'));
    assert.deepEqual(await effectivePermissions(db, { userId: s.boot.ownerUserId }), PERMISSIONS.map((p) => p.permission).sort());
    assert.deepEqual(await effectivePermissions(db, { userId: 'user-unknown' }), []);
  });
});
