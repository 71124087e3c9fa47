import assert from 'node:assert/strict';
import { it } from 'node:test';
import OpenAI from 'openai';
import { PERMISSIONS, PREDEFINED_ROLES, effectivePermissions } from '../src/core/access/index.js';
import { seedUser } from './helpers/fixtures.js';
import { forEachDialect, type TestServer } from './helpers/harness.js';
import { assertComponent, assertSpec } from './helpers/spec.js';

/** An unchanged official client pointed at orgplane: only the base URL differs. */
function client(server: TestServer): OpenAI {
  return new OpenAI({ adminAPIKey: server.adminKey, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
}

/** The JSON body a list page was built from, exactly as the server sent it. */
const pageBody = (page: object): unknown => (page as { body?: unknown }).body;

/** Every item of an auto-paginated SDK list. */
async function collect<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}

/** The SDK error classes of the failures these endpoints report. */
type SdkErrorClass = typeof OpenAI.BadRequestError | typeof OpenAI.NotFoundError | typeof OpenAI.ConflictError;

/**
 * Asserts that an SDK call fails with the given error class, `param` and (optionally) `code`,
 * with an OpenAI-shaped error body, and that it wrote no audit event.
 */
async function expectError(s: TestServer, call: () => Promise<unknown>, cls: SdkErrorClass, param: string | null, code?: string): Promise<void> {
  const before = await s.auditCount();
  await assert.rejects(call(), (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assertComponent('ErrorResponse', { error: err.error });
    assert.equal(err.param, param);
    if (code !== undefined) assert.equal(err.code, code);
    assert.match(err.requestID ?? '', /^req_/);
    return true;
  });
  assert.equal(await s.auditCount(), before);
}

const predefined = (id: string) => {
  const r = PREDEFINED_ROLES.find((p) => p.id === id)!;
  return { object: 'role', id: r.id, name: r.name, description: r.description, permissions: [...r.permissions], resource_type: r.resource_type, predefined_role: true };
};
const permissionsOf = (id: string) => PREDEFINED_ROLES.find((p) => p.id === id)!.permissions;

/** IDs of a table's rows in creation order, to compare listings with. */
async function idsInOrder(s: TestServer, table: 'groups' | 'users'): Promise<string[]> {
  return (await s.ctx.db.selectFrom(table).select('id').orderBy('seq').execute()).map((r) => r.id);
}

forEachDialect('official openai SDK: access control', (server) => {
  it('groups: create, retrieve, rename, list with auto-pagination, delete', async () => {
    const s = server();
    const openai = client(s);
    s.clock.advance(11);
    const before = await s.auditCount();
    const created = await openai.admin.organization.groups.create({ name: 'Support' });
    assertSpec('create-group', created);
    assert.match(created.id, /^group_[A-Za-z0-9]{24}$/);
    assert.deepEqual(created, { id: created.id, name: 'Support', created_at: s.clock.now(), is_scim_managed: false, group_type: 'group' });
    assert.equal(await s.auditCount(), before + 1);
    assert.equal((await s.lastAudit()).type, 'group.created');

    const got = await openai.admin.organization.groups.retrieve(created.id);
    assertSpec('retrieve-group', got);
    assert.deepEqual(got, created);

    const renamed = await openai.admin.organization.groups.update(created.id, { name: 'Support Tier 2' });
    assertSpec('update-group', renamed);
    assert.deepEqual(renamed, { id: created.id, name: 'Support Tier 2', created_at: created.created_at, is_scim_managed: false });
    assert.equal((await openai.admin.organization.groups.retrieve(created.id)).name, 'Support Tier 2');

    for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta']) await openai.admin.organization.groups.create({ name });
    const all = await idsInOrder(s, 'groups');
    assert.equal(all.length, 5);

    const page = await openai.admin.organization.groups.list({ limit: 2 });
    assertSpec('list-groups', pageBody(page));
    assert.deepEqual(page.data.map((g) => g.id), all.slice(0, 2));
    assert.equal(page.has_more, true);
    assert.equal(page.next, all[1]);
    assert.equal(page.hasNextPage(), true);
    const second = await page.getNextPage();
    assertSpec('list-groups', pageBody(second));
    assert.deepEqual(second.data.map((g) => g.id), all.slice(2, 4));

    const iterated = await collect(openai.admin.organization.groups.list({ limit: 2 }));
    assert.deepEqual(iterated.map((g) => g.id), all);
    assert.deepEqual(iterated.map((g) => g.name), ['Support Tier 2', 'Alpha', 'Beta', 'Gamma', 'Delta']);
    const descending = await collect(openai.admin.organization.groups.list({ limit: 3, order: 'desc' }));
    assert.deepEqual(descending.map((g) => g.id), [...all].reverse());
    const last = await openai.admin.organization.groups.list({ limit: 5 });
    assert.equal(last.has_more, false);
    assert.equal(last.next, null);
    assert.equal(last.hasNextPage(), false);

    const deleted = await openai.admin.organization.groups.delete(created.id);
    assertSpec('delete-group', deleted);
    assert.deepEqual(deleted, { object: 'group.deleted', id: created.id, deleted: true });
    assert.equal((await s.lastAudit()).type, 'group.deleted');
    await expectError(s, () => openai.admin.organization.groups.retrieve(created.id), OpenAI.NotFoundError, 'group_id');
    await expectError(s, () => openai.admin.organization.groups.update('group_missing', { name: 'x' }), OpenAI.NotFoundError, 'group_id');
    await expectError(s, () => openai.admin.organization.groups.delete('group_missing'), OpenAI.NotFoundError, 'group_id');
    await expectError(s, () => openai.admin.organization.groups.create({ name: '' }), OpenAI.BadRequestError, 'name');
    await expectError(s, () => openai.admin.organization.groups.list({ after: 'group_missing' }), OpenAI.BadRequestError, 'after');
  });

  it('group users: add, retrieve, list with auto-pagination (newest first by default), remove', async () => {
    const s = server();
    const openai = client(s);
    const group = await openai.admin.organization.groups.create({ name: 'Members' });
    const ada = await seedUser(s, { name: 'Ada', email: 'ada@example.com' });
    const bob = await seedUser(s, { name: 'Bob', email: 'bob@example.com' });
    const cy = await seedUser(s, { name: 'Cy', email: 'cy@example.com' });

    const before = await s.auditCount();
    const added = await openai.admin.organization.groups.users.create(group.id, { user_id: ada.id });
    assertSpec('add-group-user', added);
    assert.deepEqual(added, { object: 'group.user', user_id: ada.id, group_id: group.id });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'group.updated');
    assert.deepEqual(event['group.updated'], { id: group.id, changes_requested: { users_added: [ada.id] } });
    for (const u of [bob, cy, { id: s.boot.ownerUserId }]) await openai.admin.organization.groups.users.create(group.id, { user_id: u.id });

    const member = await openai.admin.organization.groups.users.retrieve(ada.id, { group_id: group.id });
    assertSpec('retrieve-group-user', member);
    assert.deepEqual(member, { id: ada.id, name: 'Ada', email: 'ada@example.com', picture: null, is_service_account: false, user_type: 'user' });

    const users = await idsInOrder(s, 'users');
    const expected = users.filter((id) => [ada.id, bob.id, cy.id, s.boot.ownerUserId].includes(id)).reverse();
    const page = await openai.admin.organization.groups.users.list(group.id, { limit: 3 });
    assertSpec('list-group-users', pageBody(page));
    assert.deepEqual(page.data.map((u) => u.id), expected.slice(0, 3));
    assert.equal(page.has_more, true);
    assert.equal(page.next, expected[2]);
    const listed = await collect(openai.admin.organization.groups.users.list(group.id, { limit: 1 }));
    assert.deepEqual(listed.map((u) => u.id), expected);
    assert.deepEqual(listed.find((u) => u.id === bob.id), { id: bob.id, name: 'Bob', email: 'bob@example.com' });
    const ascending = await collect(openai.admin.organization.groups.users.list(group.id, { limit: 2, order: 'asc' }));
    assert.deepEqual(ascending.map((u) => u.id), [...expected].reverse());

    await expectError(s, () => openai.admin.organization.groups.users.create(group.id, { user_id: ada.id }), OpenAI.ConflictError, 'user_id', 'already_a_member');
    await expectError(s, () => openai.admin.organization.groups.users.create(group.id, { user_id: 'user-missing' }), OpenAI.NotFoundError, 'user_id');
    await expectError(s, () => openai.admin.organization.groups.users.create('group_missing', { user_id: ada.id }), OpenAI.NotFoundError, 'group_id');
    await expectError(s, () => openai.admin.organization.groups.users.list('group_missing'), OpenAI.NotFoundError, 'group_id');

    const removed = await openai.admin.organization.groups.users.delete(ada.id, { group_id: group.id });
    assertSpec('remove-group-user', removed);
    assert.deepEqual(removed, { object: 'group.user.deleted', deleted: true });
    assert.deepEqual((await s.lastAudit())['group.updated'], { id: group.id, changes_requested: { users_removed: [ada.id] } });
    await expectError(s, () => openai.admin.organization.groups.users.retrieve(ada.id, { group_id: group.id }), OpenAI.NotFoundError, 'user_id');
    await expectError(s, () => openai.admin.organization.groups.users.delete(ada.id, { group_id: group.id }), OpenAI.NotFoundError, 'user_id');
    assert.deepEqual((await collect(openai.admin.organization.groups.users.list(group.id))).map((u) => u.id), expected.filter((id) => id !== ada.id));
  });

  it('organization roles: predefined roles, then custom create, retrieve, update, list, delete', async () => {
    const s = server();
    const openai = client(s);
    const initial = await openai.admin.organization.roles.list();
    assertSpec('list-roles', pageBody(initial));
    assert.deepEqual(initial.data, [predefined('role_org_owner'), predefined('role_org_reader')]);
    assert.equal(initial.has_more, false);
    assert.equal(initial.next, null);
    assert.deepEqual(initial.data[0].permissions, PERMISSIONS.map((p) => p.permission));
    const reader = await openai.admin.organization.roles.retrieve('role_org_reader');
    assertSpec('retrieve-role', reader);
    assert.deepEqual(reader, predefined('role_org_reader'));

    const before = await s.auditCount();
    const created = await openai.admin.organization.roles.create({ role_name: 'Group Manager', permissions: ['api.groups.read', 'api.groups.write'], description: 'Manages groups' });
    assertSpec('create-role', created);
    assert.match(created.id, /^role_[A-Za-z0-9]{24}$/);
    assert.deepEqual(created, {
      object: 'role', id: created.id, name: 'Group Manager', description: 'Manages groups',
      permissions: ['api.groups.read', 'api.groups.write'], resource_type: 'api.organization', predefined_role: false,
    });
    assert.equal(await s.auditCount(), before + 1);
    assert.equal((await s.lastAudit()).type, 'role.created');
    assert.deepEqual(await openai.admin.organization.roles.retrieve(created.id), created);

    const updated = await openai.admin.organization.roles.update(created.id, { role_name: 'Group Admin', permissions: ['api.groups.write', 'api.roles.read'] });
    assertSpec('update-role', updated);
    assert.deepEqual(updated, { ...created, name: 'Group Admin', permissions: ['api.groups.write', 'api.roles.read'] });
    assert.deepEqual((await s.lastAudit())['role.updated'].changes_requested, {
      role_name: 'Group Admin', permissions_added: ['api.roles.read'], permissions_removed: ['api.groups.read'],
      resource_id: s.boot.organizationId, resource_type: 'api.organization',
    });
    const cleared = await openai.admin.organization.roles.update(created.id, { description: '' });
    assert.equal(cleared.description, null);
    const unchanged = await s.auditCount();
    assert.deepEqual(await openai.admin.organization.roles.update(created.id, { role_name: null, permissions: null }), cleared);
    assert.equal(await s.auditCount(), unchanged);

    const extra = await openai.admin.organization.roles.create({ role_name: 'Auditor', permissions: ['api.usage.read'] });
    assert.equal(extra.description, null);
    const page = await openai.admin.organization.roles.list({ limit: 3 });
    assertSpec('list-roles', pageBody(page));
    assert.deepEqual(page.data.map((r) => r.id), ['role_org_owner', 'role_org_reader', created.id]);
    assert.equal(page.has_more, true);
    assert.equal(page.next, created.id);
    const listed = await collect(openai.admin.organization.roles.list({ limit: 1 }));
    assert.deepEqual(listed.map((r) => r.id), ['role_org_owner', 'role_org_reader', created.id, extra.id]);
    assert.deepEqual(listed[2], cleared);
    const newestFirst = await collect(openai.admin.organization.roles.list({ limit: 2, order: 'desc' }));
    assert.deepEqual(newestFirst.map((r) => r.id), [extra.id, created.id, 'role_org_reader', 'role_org_owner']);

    await expectError(s, () => openai.admin.organization.roles.delete('role_org_owner'), OpenAI.BadRequestError, 'role_id', 'predefined_role');
    await expectError(s, () => openai.admin.organization.roles.update('role_org_reader', { role_name: 'x' }), OpenAI.BadRequestError, 'role_id', 'predefined_role');
    await expectError(s, () => openai.admin.organization.roles.create({ role_name: 'Auditor', permissions: ['api.usage.read'] }), OpenAI.ConflictError, 'role_name', 'role_name_taken');
    await expectError(s, () => openai.admin.organization.roles.create({ role_name: 'owner', permissions: ['api.usage.read'] }), OpenAI.ConflictError, 'role_name', 'role_name_taken');
    await expectError(s, () => openai.admin.organization.roles.create({ role_name: 'Bad', permissions: ['api.usage.read', 'api.nope'] }), OpenAI.BadRequestError, 'permissions[1]', 'unknown_permission');
    await expectError(s, () => openai.admin.organization.roles.create({ role_name: 'Twice', permissions: ['api.usage.read', 'api.usage.read'] }), OpenAI.BadRequestError, 'permissions[1]', 'duplicate_permission');
    await expectError(s, () => openai.admin.organization.roles.create({ role_name: 'Empty', permissions: [] }), OpenAI.BadRequestError, 'permissions');
    await expectError(s, () => openai.admin.organization.roles.retrieve('role_proj_owner'), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.roles.retrieve('role_missing'), OpenAI.NotFoundError, 'role_id');

    // A role still assigned cannot be deleted.
    const holder = await seedUser(s);
    await openai.admin.organization.users.roles.create(holder.id, { role_id: extra.id });
    await expectError(s, () => openai.admin.organization.roles.delete(extra.id), OpenAI.ConflictError, 'role_id', 'role_in_use');
    await openai.admin.organization.users.roles.delete(extra.id, { user_id: holder.id });

    for (const role of [created, extra]) {
      const deleted = await openai.admin.organization.roles.delete(role.id);
      assertSpec('delete-role', deleted);
      assert.deepEqual(deleted, { object: 'role.deleted', id: role.id, deleted: true });
    }
    assert.equal((await s.lastAudit()).type, 'role.deleted');
    await expectError(s, () => openai.admin.organization.roles.retrieve(created.id), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.roles.delete(created.id), OpenAI.NotFoundError, 'role_id');
    assert.deepEqual((await collect(openai.admin.organization.roles.list())).map((r) => r.id), ['role_org_owner', 'role_org_reader']);
  });

  it('organization role assignments of users and groups; effective permissions are their union', async () => {
    const s = server();
    const openai = client(s);
    const db = s.ctx.db;
    const user = await seedUser(s, { name: 'Grace', email: 'grace@example.com', role: 'reader' });
    const direct = await openai.admin.organization.roles.create({ role_name: 'Usage viewer', permissions: ['api.usage.read', 'api.groups.write'] });
    const viaGroup = await openai.admin.organization.roles.create({ role_name: 'Key keeper', permissions: ['api.external_keys.read', 'api.groups.write'] });
    const group = await openai.admin.organization.groups.create({ name: 'Keepers' });
    const reader = permissionsOf('role_org_reader');
    const union = (...extra: string[]) => [...new Set([...reader, ...extra])].sort();
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union());

    // Direct assignment.
    const before = await s.auditCount();
    const assigned = await openai.admin.organization.users.roles.create(user.id, { role_id: direct.id });
    assertSpec('assign-user-role', assigned);
    assert.equal(assigned.object, 'user.role');
    assert.equal(assigned.user.id, user.id);
    assert.equal(assigned.user.email, 'grace@example.com');
    assert.equal(assigned.user.role, 'reader');
    assert.deepEqual(assigned.role, direct);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.assignment.created');
    assert.deepEqual({ ...event['role.assignment.created'], id: 'x' }, {
      id: 'x', principal_id: user.id, principal_type: 'user', resource_id: s.boot.organizationId, resource_type: 'api.organization',
    });
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write'));

    const held = await openai.admin.organization.users.roles.retrieve(direct.id, { user_id: user.id });
    assertSpec('retrieve-user-role', held);
    assert.equal(held.id, direct.id);
    assert.equal(held.name, 'Usage viewer');
    assert.deepEqual(held.permissions, ['api.usage.read', 'api.groups.write']);
    assert.equal(held.predefined_role, false);
    assert.equal(held.assignment_sources, null);
    assert.equal(held.created_by, s.boot.ownerUserId);

    // Group assignment, then membership.
    const groupAssigned = await openai.admin.organization.groups.roles.create(group.id, { role_id: viaGroup.id });
    assertSpec('assign-group-role', groupAssigned);
    assert.deepEqual(groupAssigned, {
      object: 'group.role',
      group: { object: 'group', id: group.id, name: 'Keepers', created_at: group.created_at, scim_managed: false },
      role: viaGroup,
    });
    const groupHeld = await openai.admin.organization.groups.roles.retrieve(viaGroup.id, { group_id: group.id });
    assertSpec('retrieve-group-role', groupHeld);
    assert.equal(groupHeld.id, viaGroup.id);
    assert.equal(groupHeld.assignment_sources, null);
    const groupPage = await openai.admin.organization.groups.roles.list(group.id);
    assertSpec('list-group-role-assignments', pageBody(groupPage));
    assert.deepEqual(groupPage.data.map((r) => r.id), [viaGroup.id]);
    assert.equal(groupPage.has_more, false);
    // Not yet a member: the group's role does not count.
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write'));

    await openai.admin.organization.groups.users.create(group.id, { user_id: user.id });
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.usage.read', 'api.groups.write', 'api.external_keys.read'));

    const page = await openai.admin.organization.users.roles.list(user.id, { limit: 2 });
    assertSpec('list-user-role-assignments', pageBody(page));
    assert.deepEqual(page.data.map((r) => r.id), ['role_org_reader', direct.id]);
    assert.equal(page.has_more, true);
    assert.equal(page.next, direct.id);
    const roles = await collect(openai.admin.organization.users.roles.list(user.id, { limit: 1 }));
    assert.deepEqual(roles.map((r) => [r.id, r.assignment_sources]), [
      ['role_org_reader', null],
      [direct.id, null],
      [viaGroup.id, [{ principal_id: group.id, principal_type: 'group' }]],
    ]);
    const inherited = await openai.admin.organization.users.roles.retrieve(viaGroup.id, { user_id: user.id });
    assert.deepEqual(inherited.assignment_sources, [{ principal_id: group.id, principal_type: 'group' }]);

    await expectError(s, () => openai.admin.organization.users.roles.create(user.id, { role_id: direct.id }), OpenAI.ConflictError, 'role_id', 'role_already_assigned');
    await expectError(s, () => openai.admin.organization.users.roles.create(user.id, { role_id: 'role_proj_owner' }), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.users.roles.create('user-missing', { role_id: direct.id }), OpenAI.NotFoundError, 'user_id');
    await expectError(s, () => openai.admin.organization.users.roles.delete('role_org_reader', { user_id: user.id }), OpenAI.BadRequestError, 'role_id', 'inherited_role');
    await expectError(s, () => openai.admin.organization.users.roles.delete(viaGroup.id, { user_id: user.id }), OpenAI.BadRequestError, 'role_id', 'inherited_role');
    await expectError(s, () => openai.admin.organization.users.roles.retrieve('role_org_owner', { user_id: user.id }), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.groups.roles.create(group.id, { role_id: viaGroup.id }), OpenAI.ConflictError, 'role_id', 'role_already_assigned');
    await expectError(s, () => openai.admin.organization.groups.roles.create('group_missing', { role_id: viaGroup.id }), OpenAI.NotFoundError, 'group_id');
    await expectError(s, () => openai.admin.organization.groups.roles.retrieve(direct.id, { group_id: group.id }), OpenAI.NotFoundError, 'role_id');

    // Unassigning takes the permissions away again.
    const unassigned = await openai.admin.organization.users.roles.delete(direct.id, { user_id: user.id });
    assertSpec('unassign-user-role', unassigned);
    assert.deepEqual(unassigned, { object: 'user.role.deleted', deleted: true });
    assert.equal((await s.lastAudit()).type, 'role.assignment.deleted');
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union('api.groups.write', 'api.external_keys.read'));
    const groupUnassigned = await openai.admin.organization.groups.roles.delete(viaGroup.id, { group_id: group.id });
    assertSpec('unassign-group-role', groupUnassigned);
    assert.deepEqual(groupUnassigned, { object: 'group.role.deleted', deleted: true });
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), union());
    assert.deepEqual((await collect(openai.admin.organization.users.roles.list(user.id))).map((r) => r.id), ['role_org_reader']);
    await expectError(s, () => openai.admin.organization.groups.roles.delete(viaGroup.id, { group_id: group.id }), OpenAI.NotFoundError, 'role_id');
  });

  it('project groups: add with a project role, retrieve, list with auto-pagination, remove', async () => {
    const s = server();
    const openai = client(s);
    const project = await openai.admin.organization.projects.create({ name: 'Shared' });
    const groups: OpenAI.Admin.Organization.Group[] = [];
    for (const name of ['Readers', 'Writers', 'Admins']) groups.push(await openai.admin.organization.groups.create({ name }));
    s.clock.advance(3);

    const before = await s.auditCount();
    const added = await openai.admin.organization.projects.groups.create(project.id, { group_id: groups[0].id, role: 'role_proj_viewer' });
    assertSpec('add-project-group', added);
    const expected = { object: 'project.group', project_id: project.id, group_id: groups[0].id, group_name: 'Readers', group_type: 'group', created_at: s.clock.now() };
    assert.deepEqual(added, expected);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.assignment.created');
    assert.deepEqual(event.project, { id: project.id, name: 'Shared' });
    await openai.admin.organization.projects.groups.create(project.id, { group_id: groups[1].id, role: 'role_proj_member' });
    await openai.admin.organization.projects.groups.create(project.id, { group_id: groups[2].id, role: 'role_proj_owner' });

    const got = await openai.admin.organization.projects.groups.retrieve(groups[0].id, { project_id: project.id });
    assertSpec('retrieve-project-group', got);
    assert.deepEqual(got, expected);
    assert.deepEqual(await openai.admin.organization.projects.groups.retrieve(groups[0].id, { project_id: project.id, group_type: 'group' }), expected);
    await expectError(s, () => openai.admin.organization.projects.groups.retrieve(groups[0].id, { project_id: project.id, group_type: 'tenant_group' }), OpenAI.NotFoundError, 'group_id');

    const page = await openai.admin.organization.projects.groups.list(project.id, { limit: 2 });
    assertSpec('list-project-groups', pageBody(page));
    assert.deepEqual(page.data.map((g) => g.group_id), [groups[0].id, groups[1].id]);
    assert.equal(page.has_more, true);
    assert.equal(page.next, groups[1].id);
    const listed = await collect(openai.admin.organization.projects.groups.list(project.id, { limit: 1 }));
    assert.deepEqual(listed.map((g) => [g.group_id, g.group_name]), [[groups[0].id, 'Readers'], [groups[1].id, 'Writers'], [groups[2].id, 'Admins']]);
    const reversed = await collect(openai.admin.organization.projects.groups.list(project.id, { limit: 2, order: 'desc' }));
    assert.deepEqual(reversed.map((g) => g.group_id), groups.map((g) => g.id).reverse());

    // The project role shows among the group's project roles.
    const roles = await collect(openai.admin.organization.projects.groups.roles.list(groups[2].id, { project_id: project.id }));
    assert.deepEqual(roles.map((r) => r.id), ['role_proj_owner']);

    await expectError(s, () => openai.admin.organization.projects.groups.create(project.id, { group_id: groups[0].id, role: 'role_proj_owner' }), OpenAI.ConflictError, 'group_id', 'already_a_project_group');
    await expectError(s, () => openai.admin.organization.projects.groups.create(project.id, { group_id: 'group_missing', role: 'role_proj_owner' }), OpenAI.NotFoundError, 'group_id');
    const outsider = await openai.admin.organization.groups.create({ name: 'Outsiders' });
    await expectError(s, () => openai.admin.organization.projects.groups.create(project.id, { group_id: outsider.id, role: 'role_org_owner' }), OpenAI.NotFoundError, 'role');
    await expectError(s, () => openai.admin.organization.projects.groups.create('proj_missing', { group_id: outsider.id, role: 'role_proj_owner' }), OpenAI.NotFoundError, 'project_id');
    await expectError(s, () => openai.admin.organization.projects.groups.list('proj_missing'), OpenAI.NotFoundError, 'project_id');

    const removed = await openai.admin.organization.projects.groups.delete(groups[0].id, { project_id: project.id });
    assertSpec('remove-project-group', removed);
    assert.deepEqual(removed, { object: 'project.group.deleted', deleted: true });
    assert.equal((await s.lastAudit()).type, 'role.assignment.deleted');
    await expectError(s, () => openai.admin.organization.projects.groups.retrieve(groups[0].id, { project_id: project.id }), OpenAI.NotFoundError, 'group_id');
    await expectError(s, () => openai.admin.organization.projects.groups.delete(groups[0].id, { project_id: project.id }), OpenAI.NotFoundError, 'group_id');
    assert.deepEqual((await collect(openai.admin.organization.projects.groups.list(project.id))).map((g) => g.group_id), [groups[1].id, groups[2].id]);
  });

  it('project roles: predefined project roles, then custom create, retrieve, update, list, delete', async () => {
    const s = server();
    const openai = client(s);
    const project = await openai.admin.organization.projects.create({ name: 'Roles' });
    const other = await openai.admin.organization.projects.create({ name: 'Elsewhere' });
    const initial = await openai.admin.organization.projects.roles.list(project.id);
    assertSpec('list-project-roles', pageBody(initial));
    assert.deepEqual(initial.data, ['role_proj_owner', 'role_proj_member', 'role_proj_viewer'].map(predefined));
    assert.equal(initial.has_more, false);
    const viewer = await openai.admin.organization.projects.roles.retrieve('role_proj_viewer', { project_id: project.id });
    assertSpec('retrieve-project-role', viewer);
    assert.deepEqual(viewer, predefined('role_proj_viewer'));

    const before = await s.auditCount();
    const created = await openai.admin.organization.projects.roles.create(project.id, { role_name: 'Batch runner', permissions: ['api.batch.read', 'api.batch.write'], description: 'Runs batches' });
    assertSpec('create-project-role', created);
    assert.deepEqual(created, {
      object: 'role', id: created.id, name: 'Batch runner', description: 'Runs batches',
      permissions: ['api.batch.read', 'api.batch.write'], resource_type: 'api.project', predefined_role: false,
    });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.created');
    assert.deepEqual(event.project, { id: project.id, name: 'Roles' });
    assert.deepEqual(await openai.admin.organization.projects.roles.retrieve(created.id, { project_id: project.id }), created);

    const updated = await openai.admin.organization.projects.roles.update(created.id, { project_id: project.id, permissions: ['api.batch.read', 'api.files.read'], description: 'Reads batches and files' });
    assertSpec('update-project-role', updated);
    assert.deepEqual(updated, { ...created, permissions: ['api.batch.read', 'api.files.read'], description: 'Reads batches and files' });
    assert.equal((await s.lastAudit()).type, 'role.updated');

    const second = await openai.admin.organization.projects.roles.create(project.id, { role_name: 'Evaluator', permissions: ['api.evals.read'] });
    const page = await openai.admin.organization.projects.roles.list(project.id, { limit: 4 });
    assertSpec('list-project-roles', pageBody(page));
    assert.deepEqual(page.data.map((r) => r.id), ['role_proj_owner', 'role_proj_member', 'role_proj_viewer', created.id]);
    assert.equal(page.has_more, true);
    assert.equal(page.next, created.id);
    const listed = await collect(openai.admin.organization.projects.roles.list(project.id, { limit: 2 }));
    assert.deepEqual(listed.map((r) => r.id), ['role_proj_owner', 'role_proj_member', 'role_proj_viewer', created.id, second.id]);
    // Another project's listing has only the predefined roles.
    assert.deepEqual((await collect(openai.admin.organization.projects.roles.list(other.id))).map((r) => r.id), ['role_proj_owner', 'role_proj_member', 'role_proj_viewer']);

    await expectError(s, () => openai.admin.organization.projects.roles.retrieve(created.id, { project_id: other.id }), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.projects.roles.retrieve('role_org_owner', { project_id: project.id }), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.projects.roles.delete('role_proj_member', { project_id: project.id }), OpenAI.BadRequestError, 'role_id', 'predefined_role');
    await expectError(s, () => openai.admin.organization.projects.roles.update('role_proj_owner', { project_id: project.id, role_name: 'boss' }), OpenAI.BadRequestError, 'role_id', 'predefined_role');
    await expectError(s, () => openai.admin.organization.projects.roles.create(project.id, { role_name: 'Org only', permissions: ['api.management.read'] }), OpenAI.BadRequestError, 'permissions[0]', 'organization_permission');
    await expectError(s, () => openai.admin.organization.projects.roles.create(project.id, { role_name: 'Evaluator', permissions: ['api.evals.read'] }), OpenAI.ConflictError, 'role_name', 'role_name_taken');
    await expectError(s, () => openai.admin.organization.projects.roles.create(project.id, { role_name: 'viewer', permissions: ['api.evals.read'] }), OpenAI.ConflictError, 'role_name', 'role_name_taken');
    await expectError(s, () => openai.admin.organization.projects.roles.list('proj_missing'), OpenAI.NotFoundError, 'project_id');
    // The same name is free in another project.
    const elsewhere = await openai.admin.organization.projects.roles.create(other.id, { role_name: 'Evaluator', permissions: ['api.evals.read'] });
    assert.equal(elsewhere.name, 'Evaluator');

    const deleted = await openai.admin.organization.projects.roles.delete(created.id, { project_id: project.id });
    assertSpec('delete-project-role', deleted);
    assert.deepEqual(deleted, { object: 'role.deleted', id: created.id, deleted: true });
    await expectError(s, () => openai.admin.organization.projects.roles.retrieve(created.id, { project_id: project.id }), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.projects.roles.delete(second.id, { project_id: other.id }), OpenAI.NotFoundError, 'role_id');
  });

  it('project role assignments of users and groups; effective project permissions are their union', async () => {
    const s = server();
    const openai = client(s);
    const db = s.ctx.db;
    const project = await openai.admin.organization.projects.create({ name: 'Workbench' });
    const user = await seedUser(s, { name: 'Lin', email: 'lin@example.com', role: 'reader' });
    const outsider = await seedUser(s, { role: 'reader' });
    const member = await openai.admin.organization.projects.users.create(project.id, { user_id: user.id, role: 'member' });
    assert.equal(member.role, 'member');
    const direct = await openai.admin.organization.projects.roles.create(project.id, { role_name: 'Keys', permissions: ['api.organization.projects.service_accounts.read'] });
    const viaGroup = await openai.admin.organization.projects.roles.create(project.id, { role_name: 'Admin', permissions: ['api.organization.projects.write', 'api.batch.read'] });
    const group = await openai.admin.organization.groups.create({ name: 'Project admins' });
    await openai.admin.organization.groups.users.create(group.id, { user_id: user.id });

    const base = [...new Set([...permissionsOf('role_org_reader'), ...permissionsOf('role_proj_member')])];
    const union = (...extra: string[]) => [...new Set([...base, ...extra])].sort();
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId: project.id }), union());

    // Direct project role.
    const before = await s.auditCount();
    const assigned = await openai.admin.organization.projects.users.roles.create(user.id, { project_id: project.id, role_id: direct.id });
    assertSpec('assign-project-user-role', assigned);
    assert.equal(assigned.object, 'user.role');
    assert.equal(assigned.user.id, user.id);
    assert.deepEqual(assigned.role, direct);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.assignment.created');
    assert.deepEqual({ ...event['role.assignment.created'], id: 'x' }, { id: 'x', principal_id: user.id, principal_type: 'user', resource_id: project.id, resource_type: 'api.project' });
    assert.deepEqual(event.project, { id: project.id, name: 'Workbench' });
    const held = await openai.admin.organization.projects.users.roles.retrieve(direct.id, { project_id: project.id, user_id: user.id });
    assertSpec('retrieve-project-user-role', held);
    assert.equal(held.id, direct.id);
    assert.equal(held.resource_type, 'api.project');
    assert.equal(held.assignment_sources, null);
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId: project.id }), union('api.organization.projects.service_accounts.read'));
    // Outside the project the project role counts for nothing.
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }), [...permissionsOf('role_org_reader')].sort());

    // Project group role: the group gets access with a predefined role, then the custom one.
    await openai.admin.organization.projects.groups.create(project.id, { group_id: group.id, role: 'role_proj_viewer' });
    const groupAssigned = await openai.admin.organization.projects.groups.roles.create(group.id, { project_id: project.id, role_id: viaGroup.id });
    assertSpec('assign-project-group-role', groupAssigned);
    assert.deepEqual(groupAssigned, {
      object: 'group.role',
      group: { object: 'group', id: group.id, name: 'Project admins', created_at: group.created_at, scim_managed: false },
      role: viaGroup,
    });
    const groupHeld = await openai.admin.organization.projects.groups.roles.retrieve(viaGroup.id, { project_id: project.id, group_id: group.id });
    assertSpec('retrieve-project-group-role', groupHeld);
    assert.equal(groupHeld.id, viaGroup.id);
    const groupPage = await openai.admin.organization.projects.groups.roles.list(group.id, { project_id: project.id, limit: 1 });
    assertSpec('list-project-group-role-assignments', pageBody(groupPage));
    assert.deepEqual(groupPage.data.map((r) => r.id), ['role_proj_viewer']);
    assert.equal(groupPage.has_more, true);
    assert.equal(groupPage.next, 'role_proj_viewer');
    assert.deepEqual((await collect(openai.admin.organization.projects.groups.roles.list(group.id, { project_id: project.id, limit: 1 }))).map((r) => r.id), ['role_proj_viewer', viaGroup.id]);

    assert.deepEqual(
      await effectivePermissions(db, { userId: user.id }, { projectId: project.id }),
      union('api.organization.projects.service_accounts.read', 'api.organization.projects.write', 'api.batch.read', ...permissionsOf('role_proj_viewer')),
    );

    const page = await openai.admin.organization.projects.users.roles.list(user.id, { project_id: project.id, limit: 2 });
    assertSpec('list-project-user-role-assignments', pageBody(page));
    assert.equal(page.has_more, true);
    const roles = await collect(openai.admin.organization.projects.users.roles.list(user.id, { project_id: project.id, limit: 1 }));
    const fromGroup = [{ principal_id: group.id, principal_type: 'group' }];
    assert.deepEqual(roles.map((r) => [r.id, r.assignment_sources]), [
      ['role_proj_member', null],
      ['role_proj_viewer', fromGroup],
      [direct.id, null],
      [viaGroup.id, fromGroup],
    ]);

    await expectError(s, () => openai.admin.organization.projects.users.roles.create(outsider.id, { project_id: project.id, role_id: direct.id }), OpenAI.BadRequestError, 'user_id', 'not_a_project_member');
    await expectError(s, () => openai.admin.organization.projects.users.roles.create(user.id, { project_id: project.id, role_id: direct.id }), OpenAI.ConflictError, 'role_id', 'role_already_assigned');
    await expectError(s, () => openai.admin.organization.projects.users.roles.create(user.id, { project_id: project.id, role_id: 'role_org_owner' }), OpenAI.NotFoundError, 'role_id');
    await expectError(s, () => openai.admin.organization.projects.users.roles.delete('role_proj_member', { project_id: project.id, user_id: user.id }), OpenAI.BadRequestError, 'role_id', 'inherited_role');
    await expectError(s, () => openai.admin.organization.projects.users.roles.list(user.id, { project_id: 'proj_missing' }), OpenAI.NotFoundError, 'project_id');
    const stranger = await openai.admin.organization.groups.create({ name: 'No access' });
    await expectError(s, () => openai.admin.organization.projects.groups.roles.create(stranger.id, { project_id: project.id, role_id: viaGroup.id }), OpenAI.BadRequestError, 'group_id', 'not_a_project_group');
    await expectError(s, () => openai.admin.organization.projects.roles.delete(viaGroup.id, { project_id: project.id }), OpenAI.ConflictError, 'role_id', 'role_in_use');

    // Unassigning, down to the group's last project role, which stays.
    const unassigned = await openai.admin.organization.projects.users.roles.delete(direct.id, { project_id: project.id, user_id: user.id });
    assertSpec('unassign-project-user-role', unassigned);
    assert.deepEqual(unassigned, { object: 'user.role.deleted', deleted: true });
    assert.deepEqual((await s.lastAudit()).project, { id: project.id, name: 'Workbench' });
    const groupUnassigned = await openai.admin.organization.projects.groups.roles.delete(viaGroup.id, { project_id: project.id, group_id: group.id });
    assertSpec('unassign-project-group-role', groupUnassigned);
    assert.deepEqual(groupUnassigned, { object: 'group.role.deleted', deleted: true });
    await expectError(s, () => openai.admin.organization.projects.groups.roles.delete('role_proj_viewer', { project_id: project.id, group_id: group.id }), OpenAI.BadRequestError, 'role_id', 'last_project_group_role');
    await expectError(s, () => openai.admin.organization.projects.groups.roles.retrieve(viaGroup.id, { project_id: project.id, group_id: group.id }), OpenAI.NotFoundError, 'role_id');
    assert.deepEqual(await effectivePermissions(db, { userId: user.id }, { projectId: project.id }), union(...permissionsOf('role_proj_viewer')));
    // Unassigned, the custom roles can now be deleted.
    assert.equal((await openai.admin.organization.projects.roles.delete(viaGroup.id, { project_id: project.id })).deleted, true);
    assert.equal((await openai.admin.organization.projects.roles.delete(direct.id, { project_id: project.id })).deleted, true);
  });

  it('project rate limits: list with auto-pagination, update within the organization limits', async () => {
    const s = server();
    const openai = client(s);
    const project = await openai.admin.organization.projects.create({ name: 'Limited' });
    const models = s.ctx.catalog.models;
    const ids = models.map((m) => `rl-${m.id}`);
    assert.ok(ids.length > 10);

    const page = await openai.admin.organization.projects.rateLimits.listRateLimits(project.id, { limit: 10 });
    assertSpec('list-project-rate-limits', pageBody(page));
    assert.deepEqual(page.data.map((r) => r.id), ids.slice(0, 10));
    assert.equal(page.has_more, true);
    assert.equal(page.last_id, ids[9]);
    const second = await page.getNextPage();
    assertSpec('list-project-rate-limits', pageBody(second));
    assert.deepEqual(second.data.map((r) => r.id), ids.slice(10, 20));
    const back = await openai.admin.organization.projects.rateLimits.listRateLimits(project.id, { limit: 5, before: ids[10] });
    assert.deepEqual(back.data.map((r) => r.id), ids.slice(5, 10));
    const all = await collect(openai.admin.organization.projects.rateLimits.listRateLimits(project.id, { limit: 4 }));
    assert.deepEqual(all.map((r) => r.id), ids);
    for (const [i, m] of models.entries()) assert.deepEqual(all[i], { object: 'project.rate_limit', id: `rl-${m.id}`, model: m.id, ...m.rate_limits });
    const full = await openai.admin.organization.projects.rateLimits.listRateLimits(project.id, { limit: 1000 });
    assert.equal(full.has_more, false);
    assert.equal(full.hasNextPage(), false);

    const before = await s.auditCount();
    const updated = await openai.admin.organization.projects.rateLimits.updateRateLimit('rl-gpt-4o', { project_id: project.id, max_requests_per_1_minute: 100, max_tokens_per_1_minute: 0 });
    assertSpec('update-project-rate-limits', updated);
    assert.deepEqual(updated, {
      object: 'project.rate_limit', id: 'rl-gpt-4o', model: 'gpt-4o',
      max_requests_per_1_minute: 100, max_tokens_per_1_minute: 0, batch_1_day_max_input_tokens: 90000,
    });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'rate_limit.updated');
    assert.deepEqual(event['rate_limit.updated'], { id: 'rl-gpt-4o', changes_requested: { max_requests_per_1_minute: 100, max_tokens_per_1_minute: 0 } });
    assert.deepEqual(event.project, { id: project.id, name: 'Limited' });
    const image = await openai.admin.organization.projects.rateLimits.updateRateLimit('rl-dall-e-3', { project_id: project.id, max_images_per_1_minute: 7 });
    assert.equal(image.max_images_per_1_minute, 7);

    const relisted = await collect(openai.admin.organization.projects.rateLimits.listRateLimits(project.id, { limit: 7 }));
    assert.deepEqual(relisted.find((r) => r.id === 'rl-gpt-4o'), updated);
    assert.deepEqual(relisted.find((r) => r.id === 'rl-dall-e-3'), image);
    const otherLimits = await collect(openai.admin.organization.projects.rateLimits.listRateLimits(s.boot.defaultProjectId));
    assert.equal(otherLimits.find((r) => r.id === 'rl-gpt-4o')!.max_requests_per_1_minute, 500);

    await expectError(s, () => openai.admin.organization.projects.rateLimits.updateRateLimit('rl-gpt-4o', { project_id: project.id, max_tokens_per_1_minute: 30001 }), OpenAI.BadRequestError, 'max_tokens_per_1_minute', 'exceeds_organization_limit');
    await expectError(s, () => openai.admin.organization.projects.rateLimits.updateRateLimit('rl-gpt-4o', { project_id: project.id, max_images_per_1_minute: 1 }), OpenAI.BadRequestError, 'max_images_per_1_minute');
    await expectError(s, () => openai.admin.organization.projects.rateLimits.updateRateLimit('rl-no-such-model', { project_id: project.id, max_requests_per_1_minute: 1 }), OpenAI.NotFoundError, 'rate_limit_id');
    await expectError(s, () => openai.admin.organization.projects.rateLimits.updateRateLimit('rl-gpt-4o', { project_id: 'proj_missing', max_requests_per_1_minute: 1 }), OpenAI.NotFoundError, 'project_id');
    await expectError(s, () => openai.admin.organization.projects.rateLimits.listRateLimits('proj_missing'), OpenAI.NotFoundError, 'project_id');
    await expectError(s, () => openai.admin.organization.projects.rateLimits.listRateLimits(project.id, { after: 'rl-nope' }), OpenAI.BadRequestError, 'after');
  });
});
