import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bootActor, createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const GROUPS = '/v1/organization/groups';
const projectGroups = (projectId: string) => `/v1/organization/projects/${projectId}/groups`;

async function createGroup(s: TestServer, name: string): Promise<any> {
  const res = await s.post(GROUPS, { name });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function count(s: TestServer, table: 'group_users' | 'project_groups' | 'role_assignments', column: string, value: string): Promise<number> {
  const row = await s.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where(column as any, '=', value).executeTakeFirstOrThrow();
  return Number(row.n);
}

forEachDialect('groups', (server) => {
  it('creates, retrieves, lists, renames and deletes groups with their audit events', async () => {
    const s = server();
    const before = await s.auditCount();
    const created = await s.post(GROUPS, { name: 'Support Team' });
    assert.equal(created.status, 200);
    assertSpec('create-group', created.body);
    assert.match(created.body.id, /^group_[A-Za-z0-9]{24}$/);
    const group = { id: created.body.id, name: 'Support Team', created_at: s.clock.now(), is_scim_managed: false, group_type: 'group' };
    assert.deepEqual(created.body, group);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'group.created');
    assert.deepEqual(event['group.created'], { id: group.id, data: { group_name: 'Support Team' } });
    assert.equal(event.project, undefined);
    assert.deepEqual(event.actor, await bootActor(s));

    const got = await s.get(`${GROUPS}/${group.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-group', got.body);
    assert.deepEqual(got.body, group);

    s.clock.advance(5);
    const renamed = await s.post(`${GROUPS}/${group.id}`, { name: 'Escalations' });
    assert.equal(renamed.status, 200);
    assertSpec('update-group', renamed.body);
    assert.deepEqual(renamed.body, { id: group.id, name: 'Escalations', created_at: group.created_at, is_scim_managed: false });
    assert.deepEqual((await s.lastAudit())['group.updated'], { id: group.id, changes_requested: { group_name: 'Escalations' } });
    assert.equal(await s.auditCount(), before + 2);
    // The same name again changes nothing and logs nothing.
    const same = await s.post(`${GROUPS}/${group.id}`, { name: 'Escalations' });
    assert.equal(same.status, 200);
    assert.equal(await s.auditCount(), before + 2);

    const list = await s.get(GROUPS);
    assert.equal(list.status, 200);
    assertSpec('list-groups', list.body);
    assert.deepEqual(list.body, { object: 'list', data: [{ ...group, name: 'Escalations' }], has_more: false, next: null });

    const deleted = await s.delete(`${GROUPS}/${group.id}`);
    assert.equal(deleted.status, 200);
    assertSpec('delete-group', deleted.body);
    assert.deepEqual(deleted.body, { object: 'group.deleted', id: group.id, deleted: true });
    const gone = await s.lastAudit();
    assert.equal(gone.type, 'group.deleted');
    assert.deepEqual(gone['group.deleted'], { id: group.id });
    assertError(await s.get(`${GROUPS}/${group.id}`), 404, 'group_id');
    assertError(await s.delete(`${GROUPS}/${group.id}`), 404, 'group_id');
  });

  it('rejects bad group bodies and unknown groups, changing nothing', async () => {
    const s = server();
    const group = await createGroup(s, 'Valid');
    const before = await s.auditCount();
    assertError(await s.post(GROUPS, {}), 400, 'name');
    assertError(await s.post(GROUPS, { name: '' }), 400, 'name');
    assertError(await s.post(GROUPS, { name: 'x'.repeat(256) }), 400, 'name');
    assertError(await s.post(GROUPS, { name: 7 }), 400, 'name');
    assertError(await s.post(GROUPS, { name: 'x', scim: true }), 400, 'scim');
    assertError(await s.post(`${GROUPS}/${group.id}`, {}), 400, 'name');
    assertError(await s.post(`${GROUPS}/${group.id}`, { name: null }), 400, 'name');
    assertError(await s.post(`${GROUPS}/group_missing`, { name: 'x' }), 404, 'group_id');
    assertError(await s.get(`${GROUPS}/group_missing`), 404, 'group_id');
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get(`${GROUPS}/${group.id}`)).body.name, 'Valid');
  });

  it('pages groups with limit, after, order and next', async () => {
    const s = server();
    for (let i = 0; i < 4; i++) await createGroup(s, `Page ${i}`);
    const all = await s.get(`${GROUPS}?limit=1000`);
    const ids = all.body.data.map((g: any) => g.id);
    assert.ok(ids.length >= 4);
    const first = await s.get(`${GROUPS}?limit=2`);
    assertSpec('list-groups', first.body);
    assert.deepEqual(first.body.data.map((g: any) => g.id), ids.slice(0, 2));
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.next, ids[1]);
    const second = await s.get(`${GROUPS}?limit=2&after=${first.body.next}`);
    assert.deepEqual(second.body.data.map((g: any) => g.id), ids.slice(2, 4));
    const desc = await s.get(`${GROUPS}?order=desc&limit=1000`);
    assert.deepEqual(desc.body.data.map((g: any) => g.id), [...ids].reverse());
    assert.equal(desc.body.next, null);
    const none = await s.get(`${GROUPS}?limit=0`);
    assertSpec('list-groups', none.body);
    assert.deepEqual(none.body, { object: 'list', data: [], has_more: true, next: null });
    assertError(await s.get(`${GROUPS}?limit=1001`), 400, 'limit');
    assertError(await s.get(`${GROUPS}?limit=-1`), 400, 'limit');
    assertError(await s.get(`${GROUPS}?order=up`), 400, 'order');
    assertError(await s.get(`${GROUPS}?after=group_unknown`), 400, 'after');
  });

  it('adds, retrieves, lists and removes group users; members must be organization users', async () => {
    const s = server();
    const group = await createGroup(s, 'Members');
    const ada = await seedUser(s, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const alan = await seedUser(s, { name: 'Alan Turing', email: 'alan@example.com' });
    const users = `${GROUPS}/${group.id}/users`;

    const before = await s.auditCount();
    const added = await s.post(users, { user_id: ada.id });
    assert.equal(added.status, 200);
    assertSpec('add-group-user', added.body);
    assert.deepEqual(added.body, { object: 'group.user', user_id: ada.id, group_id: group.id });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'group.updated');
    assert.deepEqual(event['group.updated'], { id: group.id, changes_requested: { users_added: [ada.id] } });
    assert.equal((await s.post(users, { user_id: alan.id })).status, 200);

    const got = await s.get(`${users}/${ada.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-group-user', got.body);
    assert.deepEqual(got.body, { id: ada.id, name: 'Ada Lovelace', email: 'ada@example.com', picture: null, is_service_account: false, user_type: 'user' });

    // Newest first by default.
    const list = await s.get(users);
    assert.equal(list.status, 200);
    assertSpec('list-group-users', list.body);
    assert.deepEqual(list.body, {
      object: 'list',
      data: [{ id: alan.id, name: 'Alan Turing', email: 'alan@example.com' }, { id: ada.id, name: 'Ada Lovelace', email: 'ada@example.com' }],
      has_more: false,
      next: null,
    });
    const page = await s.get(`${users}?limit=1&order=asc`);
    assert.deepEqual(page.body, { object: 'list', data: [{ id: ada.id, name: 'Ada Lovelace', email: 'ada@example.com' }], has_more: true, next: ada.id });
    const rest = await s.get(`${users}?limit=1&order=asc&after=${ada.id}`);
    assert.deepEqual(rest.body.data.map((u: any) => u.id), [alan.id]);
    assert.equal(rest.body.has_more, false);

    const failures = await s.auditCount();
    assertError(await s.post(users, { user_id: ada.id }), 409, 'user_id');
    assertError(await s.post(users, { user_id: 'user-missing' }), 404, 'user_id');
    assertError(await s.post(users, {}), 400, 'user_id');
    assertError(await s.post(users, { user_id: 5 }), 400, 'user_id');
    assertError(await s.post(users, { user_id: ada.id, role: 'x' }), 400, 'role');
    assertError(await s.post(`${GROUPS}/group_missing/users`, { user_id: ada.id }), 404, 'group_id');
    assertError(await s.get(`${GROUPS}/group_missing/users`), 404, 'group_id');
    assertError(await s.get(`${users}/${s.boot.ownerUserId}`), 404, 'user_id');
    assertError(await s.delete(`${users}/${s.boot.ownerUserId}`), 404, 'user_id');
    assert.equal(await s.auditCount(), failures);

    const removed = await s.delete(`${users}/${ada.id}`);
    assert.equal(removed.status, 200);
    assertSpec('remove-group-user', removed.body);
    assert.deepEqual(removed.body, { object: 'group.user.deleted', deleted: true });
    assert.deepEqual((await s.lastAudit())['group.updated'], { id: group.id, changes_requested: { users_removed: [ada.id] } });
    assertError(await s.get(`${users}/${ada.id}`), 404, 'user_id');
  });

  it('grants groups access to projects with a project role', async () => {
    const s = server();
    const projectId = await createProject(s, 'Shared');
    const group = await createGroup(s, 'Support Team');
    s.clock.advance(7);
    const before = await s.auditCount();
    const added = await s.post(projectGroups(projectId), { group_id: group.id, role: 'role_proj_member' });
    assert.equal(added.status, 200);
    assertSpec('add-project-group', added.body);
    const pg = { object: 'project.group', project_id: projectId, group_id: group.id, group_name: 'Support Team', group_type: 'group', created_at: s.clock.now() };
    assert.deepEqual(added.body, pg);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'role.assignment.created');
    assert.match(event['role.assignment.created'].id, /^ra_[A-Za-z0-9]{24}$/);
    assert.deepEqual({ ...event['role.assignment.created'], id: 'x' }, {
      id: 'x', principal_id: group.id, principal_type: 'group', resource_id: projectId, resource_type: 'api.project',
    });
    assert.deepEqual(event.project, { id: projectId, name: 'Shared' });

    const got = await s.get(`${projectGroups(projectId)}/${group.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-project-group', got.body);
    assert.deepEqual(got.body, pg);
    assertError(await s.get(`${projectGroups(projectId)}/${group.id}?group_type=tenant_group`), 404, 'group_id');
    assertError(await s.get(`${projectGroups(projectId)}/${group.id}?group_type=other`), 400, 'group_type');

    const list = await s.get(projectGroups(projectId));
    assert.equal(list.status, 200);
    assertSpec('list-project-groups', list.body);
    assert.deepEqual(list.body, { object: 'list', data: [pg], has_more: false, next: null });

    // The role shows up among the group's project roles.
    const roles = await s.get(`/v1/projects/${projectId}/groups/${group.id}/roles`);
    assert.deepEqual(roles.body.data.map((r: any) => r.id), ['role_proj_member']);

    const failures = await s.auditCount();
    assertError(await s.post(projectGroups(projectId), { group_id: group.id, role: 'role_proj_owner' }), 409, 'group_id');
    assertError(await s.post(projectGroups(projectId), { group_id: 'group_missing', role: 'role_proj_owner' }), 404, 'group_id');
    assertError(await s.post(projectGroups(projectId), { group_id: group.id }), 400, 'role');
    assertError(await s.post(projectGroups('proj_missing'), { group_id: group.id, role: 'role_proj_owner' }), 404, 'project_id');
    const other = await createGroup(s, 'Other');
    const otherFailures = await s.auditCount();
    assertError(await s.post(projectGroups(projectId), { group_id: other.id, role: 'role_org_owner' }), 404, 'role');
    assertError(await s.post(projectGroups(projectId), { group_id: other.id, role: 'role_nope' }), 404, 'role');
    assertError(await s.get(`${projectGroups(projectId)}/${other.id}`), 404, 'group_id');
    assertError(await s.delete(`${projectGroups(projectId)}/${other.id}`), 404, 'group_id');
    assertError(await s.get(projectGroups('proj_missing')), 404, 'project_id');
    assertError(await s.get(`${projectGroups(projectId)}?limit=101`), 400, 'limit');
    assert.equal(await s.auditCount(), otherFailures);
    assert.equal(otherFailures, failures + 1);

    // Removing the group removes each of its project roles, one event per assignment.
    const owner = await s.post(`/v1/projects/${projectId}/groups/${group.id}/roles`, { role_id: 'role_proj_owner' });
    assert.equal(owner.status, 200);
    const beforeRemove = await s.auditCount();
    const removed = await s.delete(`${projectGroups(projectId)}/${group.id}`);
    assert.equal(removed.status, 200);
    assertSpec('remove-project-group', removed.body);
    assert.deepEqual(removed.body, { object: 'project.group.deleted', deleted: true });
    assert.equal(await s.auditCount(), beforeRemove + 2);
    const events = (await s.get('/v1/organization/audit_logs?limit=2')).body.data;
    assert.deepEqual(events.map((e: any) => e.type), ['role.assignment.deleted', 'role.assignment.deleted']);
    assert.deepEqual(events.map((e: any) => e['role.assignment.deleted'].principal_id), [group.id, group.id]);
    assert.deepEqual(events[0].project, { id: projectId, name: 'Shared' });
    assert.equal(await count(s, 'role_assignments', 'group_id', group.id), 0);
    assertError(await s.get(`${projectGroups(projectId)}/${group.id}`), 404, 'group_id');
  });

  it('refuses project group changes in archived projects', async () => {
    const s = server();
    const projectId = await createProject(s, 'Soon archived');
    const group = await createGroup(s, 'Archivists');
    assert.equal((await s.post(projectGroups(projectId), { group_id: group.id, role: 'role_proj_viewer' })).status, 200);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);
    const before = await s.auditCount();
    const other = await createGroup(s, 'Late');
    assertError(await s.post(projectGroups(projectId), { group_id: other.id, role: 'role_proj_viewer' }), 400, 'project_id');
    assertError(await s.delete(`${projectGroups(projectId)}/${group.id}`), 400, 'project_id');
    assert.equal(await s.auditCount(), before + 1);
    // Reads still work.
    assert.equal((await s.get(`${projectGroups(projectId)}/${group.id}`)).status, 200);
  });

  it('deleting a group removes its memberships, project access and role assignments', async () => {
    const s = server();
    const projectId = await createProject(s, 'Cascade');
    const group = await createGroup(s, 'Doomed');
    const user = await seedUser(s);
    assert.equal((await s.post(`${GROUPS}/${group.id}/users`, { user_id: user.id })).status, 200);
    assert.equal((await s.post(`${GROUPS}/${group.id}/roles`, { role_id: 'role_org_reader' })).status, 200);
    assert.equal((await s.post(projectGroups(projectId), { group_id: group.id, role: 'role_proj_member' })).status, 200);
    assert.equal(await count(s, 'role_assignments', 'group_id', group.id), 2);

    const before = await s.auditCount();
    assert.equal((await s.delete(`${GROUPS}/${group.id}`)).status, 200);
    assert.equal(await s.auditCount(), before + 1);
    assert.equal(await count(s, 'group_users', 'group_id', group.id), 0);
    assert.equal(await count(s, 'project_groups', 'group_id', group.id), 0);
    assert.equal(await count(s, 'role_assignments', 'group_id', group.id), 0);
    assert.deepEqual((await s.get(projectGroups(projectId))).body.data, []);
    // The user is still in the organization; only the group is gone.
    assert.equal((await s.get(`/v1/organization/users/${user.id}`)).status, 200);
  });

  it('a user removed from the organization leaves its groups and loses its role assignments', async () => {
    const s = server();
    const projectId = await createProject(s, 'Leavers');
    const group = await createGroup(s, 'Stayers');
    const leaver = await seedUser(s);
    const stayer = await seedUser(s);
    for (const u of [leaver, stayer]) assert.equal((await s.post(`${GROUPS}/${group.id}/users`, { user_id: u.id })).status, 200);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: leaver.id, role: 'member' })).status, 200);
    assert.equal((await s.post(`/v1/organization/users/${leaver.id}/roles`, { role_id: 'role_org_owner' })).status, 200);
    assert.equal((await s.post(`/v1/projects/${projectId}/users/${leaver.id}/roles`, { role_id: 'role_proj_viewer' })).status, 200);
    assert.equal(await count(s, 'role_assignments', 'user_id', leaver.id), 2);

    assert.equal((await s.delete(`/v1/organization/users/${leaver.id}`)).status, 200);
    assert.equal(await count(s, 'group_users', 'user_id', leaver.id), 0);
    assert.equal(await count(s, 'role_assignments', 'user_id', leaver.id), 0);
    const members = await s.get(`${GROUPS}/${group.id}/users`);
    assert.deepEqual(members.body.data.map((u: any) => u.id), [stayer.id]);
  });

  it('removing a user from a project drops its project role assignments', async () => {
    const s = server();
    const projectId = await createProject(s, 'Membership');
    const user = await seedUser(s);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: user.id, role: 'member' })).status, 200);
    assert.equal((await s.post(`/v1/projects/${projectId}/users/${user.id}/roles`, { role_id: 'role_proj_viewer' })).status, 200);
    assert.equal((await s.post(`/v1/organization/users/${user.id}/roles`, { role_id: 'role_org_reader' })).status, 200);
    assert.equal((await s.delete(`/v1/organization/projects/${projectId}/users/${user.id}`)).status, 200);
    const rows = await s.ctx.db.selectFrom('role_assignments').select(['role_id', 'scope']).where('user_id', '=', user.id).execute();
    assert.deepEqual(rows, [{ role_id: 'role_org_reader', scope: 'organization' }]);
  });
});
