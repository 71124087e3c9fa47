import assert from 'node:assert/strict';
import { it } from 'node:test';
import { issueKey } from '../../src/core/keys/index.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertComponent, assertSpec } from '../helpers/spec.js';

const WEEK = 7 * 24 * 3600;

/** The audit `actor` of requests made with the bootstrap admin key. */
async function bootActor(s: TestServer) {
  const key = await s.ctx.db.selectFrom('api_keys').select('id').where('kind', '=', 'admin').where('owner_id', '=', s.boot.ownerUserId).orderBy('seq').executeTakeFirstOrThrow();
  return { type: 'api_key', api_key: { id: key.id, type: 'user', user: { id: s.boot.ownerUserId, email: 'owner@example.com' } } };
}

async function newProject(s: TestServer, name: string): Promise<string> {
  const res = await s.post('/v1/organization/projects', { name });
  assert.equal(res.status, 200);
  return res.body.id;
}

async function invite(s: TestServer, body: Record<string, unknown>) {
  const res = await s.post('/v1/organization/invites', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assertSpec('inviteUser', res.body);
  return res.body;
}

forEachDialect('organization invites', (server) => {
  it('invites a user with projects and writes invite.sent', async () => {
    const s = server();
    const p1 = await newProject(s, 'Invite A');
    const p2 = await newProject(s, 'Invite B');
    const before = await s.auditCount();
    const res = await s.post('/v1/organization/invites', { email: 'new.person@example.com', role: 'reader', projects: [{ id: p1, role: 'member' }, { id: p2, role: 'owner' }] });
    assert.equal(res.status, 200);
    assertSpec('inviteUser', res.body);
    assert.match(res.body.id, /^invite-[A-Za-z0-9]{24}$/);
    const now = s.clock.now();
    assert.deepEqual(res.body, {
      object: 'organization.invite', id: res.body.id, email: 'new.person@example.com', role: 'reader', status: 'pending',
      created_at: now, expires_at: now + WEEK, accepted_at: null, projects: [{ id: p1, role: 'member' }, { id: p2, role: 'owner' }],
    });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'invite.sent');
    assert.deepEqual(event['invite.sent'], { id: res.body.id, data: { email: 'new.person@example.com', role: 'reader' } });
    assert.deepEqual(event.actor, await bootActor(s));
    assert.equal(event.project, undefined);

    const got = await s.get(`/v1/organization/invites/${res.body.id}`);
    assert.equal(got.status, 200);
    assertSpec('retrieve-invite', got.body);
    assert.deepEqual(got.body, res.body);
  });

  it('defaults to the Default project as member; an empty list means no project', async () => {
    const s = server();
    const dflt = await invite(s, { email: 'default.proj@example.com', role: 'owner' });
    assert.deepEqual(dflt.projects, [{ id: s.boot.defaultProjectId, role: 'member' }]);
    const none = await invite(s, { email: 'no.proj@example.com', role: 'reader', projects: [] });
    assert.deepEqual(none.projects, []);
  });

  it('rejects bad invite bodies and changes nothing', async () => {
    const s = server();
    const active = await newProject(s, 'Invite valid');
    const archived = await newProject(s, 'Invite archived');
    assert.equal((await s.post(`/v1/organization/projects/${archived}/archive`)).status, 200);
    const before = await s.auditCount();
    const invites = (await s.get('/v1/organization/invites?limit=100')).body.data.length;
    const post = (body: unknown) => s.post('/v1/organization/invites', body);
    assertError(await post({ role: 'reader' }), 400, 'email');
    assertError(await post({ email: 'a@example.com' }), 400, 'role');
    assertError(await post({ email: 42, role: 'reader' }), 400, 'email');
    assertError(await post({ email: 'not-an-email', role: 'reader' }), 400, 'email');
    assertError(await post({ email: 'a b@example.com', role: 'reader' }), 400, 'email');
    assertError(await post({ email: `${'x'.repeat(320)}@example.com`, role: 'reader' }), 400, 'email');
    assertError(await post({ email: 'a@example.com', role: 'member' }), 400, 'role');
    assertError(await post({ email: 'a@example.com', role: 'reader', projects: 'all' }), 400, 'projects');
    assertError(await post({ email: 'a@example.com', role: 'reader', projects: [{ id: active }] }), 400, 'projects[0].role');
    assertError(await post({ email: 'a@example.com', role: 'reader', projects: [{ role: 'member' }] }), 400, 'projects[0].id');
    assertError(await post({ email: 'a@example.com', role: 'reader', projects: [{ id: active, role: 'admin' }] }), 400, 'projects[0].role');
    assertError(await post({ email: 'a@example.com', role: 'reader', projects: [{ id: active, role: 'member', x: 1 }] }), 400, 'projects[0].x');
    assertError(await post({ email: 'a@example.com', role: 'reader', team: 'x' }), 400, 'team');
    assertError(await post({ email: 'a@example.com', role: 'reader', projects: [{ id: active, role: 'member' }, { id: 'proj_nope', role: 'member' }] }), 404, 'projects[1].id');
    const arch = await post({ email: 'a@example.com', role: 'reader', projects: [{ id: active, role: 'member' }, { id: archived, role: 'owner' }] });
    assertError(arch, 400, 'projects[1].id');
    assert.equal(arch.body.error.code, 'project_archived');
    const dup = await post({ email: 'a@example.com', role: 'reader', projects: [{ id: active, role: 'member' }, { id: active, role: 'owner' }] });
    assertError(dup, 400, 'projects[1].id');
    assert.equal(dup.body.error.code, 'duplicate_project');
    assertError(await s.request('POST', '/v1/organization/invites', { raw: '{"email":' }), 400);
    assert.equal(await s.auditCount(), before);
    assert.equal((await s.get('/v1/organization/invites?limit=100')).body.data.length, invites);
  });

  it('refuses to invite a member or an email with a pending invite; expired invites do not block', async () => {
    const s = server();
    const before = await s.auditCount();
    const member = await s.post('/v1/organization/invites', { email: 'OWNER@example.com', role: 'reader' });
    assertError(member, 409, 'email');
    assert.equal(member.body.error.code, 'user_exists');
    const first = await invite(s, { email: 'twice@example.com', role: 'reader', projects: [] });
    const again = await s.post('/v1/organization/invites', { email: 'Twice@Example.com', role: 'owner', projects: [] });
    assertError(again, 409, 'email');
    assert.equal(again.body.error.code, 'invite_exists');
    assert.equal(await s.auditCount(), before + 1);

    s.clock.advance(WEEK - 1);
    assert.equal((await s.get(`/v1/organization/invites/${first.id}`)).body.status, 'pending');
    assertError(await s.post('/v1/organization/invites', { email: 'twice@example.com', role: 'reader', projects: [] }), 409, 'email');
    s.clock.advance(1);
    const expired = await s.get(`/v1/organization/invites/${first.id}`);
    assertSpec('retrieve-invite', expired.body);
    assert.deepEqual(expired.body, { ...first, status: 'expired' });
    const listed = await s.get('/v1/organization/invites?limit=100');
    assert.equal(listed.body.data.find((i: any) => i.id === first.id).status, 'expired');
    const fresh = await invite(s, { email: 'twice@example.com', role: 'owner', projects: [] });
    assert.equal(fresh.status, 'pending');
    assert.equal(fresh.expires_at, s.clock.now() + WEEK);

    // An expired invite can no longer be accepted.
    const count = await s.auditCount();
    const late = await s.post(`/v1/organization/invites/${first.id}/accept`, { name: 'Too Late' });
    assertError(late, 400, 'invite_id');
    assert.equal(late.body.error.code, 'invite_expired');
    assert.equal(await s.auditCount(), count);
  });

  it('pages invites with limit and after', async () => {
    const s = server();
    for (let i = 0; i < 3; i++) await invite(s, { email: `page${i}@example.com`, role: 'reader', projects: [] });
    const all = await s.get('/v1/organization/invites?limit=100');
    assert.equal(all.status, 200);
    assertSpec('list-invites', all.body);
    const ids = all.body.data.map((i: any) => i.id);
    assert.ok(ids.length >= 4);
    const first = await s.get('/v1/organization/invites?limit=2');
    assertSpec('list-invites', first.body);
    assert.deepEqual(first.body.data.map((i: any) => i.id), ids.slice(0, 2));
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.first_id, ids[0]);
    assert.equal(first.body.last_id, ids[1]);
    const rest = await s.get(`/v1/organization/invites?limit=100&after=${ids[1]}`);
    assert.deepEqual(rest.body.data.map((i: any) => i.id), ids.slice(2));
    assert.equal(rest.body.has_more, false);
    const end = await s.get(`/v1/organization/invites?after=${ids[ids.length - 1]}`);
    assert.deepEqual(end.body, { object: 'list', data: [], first_id: null, last_id: null, has_more: false });
    assertError(await s.get('/v1/organization/invites?limit=0'), 400, 'limit');
    assertError(await s.get('/v1/organization/invites?limit=101'), 400, 'limit');
    assertError(await s.get('/v1/organization/invites?limit=x'), 400, 'limit');
    assertError(await s.get('/v1/organization/invites?after=invite-unknown'), 400, 'after');
    assertError(await s.get('/v1/organization/invites/invite-missing'), 404, 'invite_id');
  });

  it('deletes pending and expired invites, not accepted ones', async () => {
    const s = server();
    const pending = await invite(s, { email: 'delete.me@example.com', role: 'reader', projects: [] });
    const before = await s.auditCount();
    const res = await s.delete(`/v1/organization/invites/${pending.id}`);
    assert.equal(res.status, 200);
    assertSpec('delete-invite', res.body);
    assert.deepEqual(res.body, { object: 'organization.invite.deleted', id: pending.id, deleted: true });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'invite.deleted');
    assert.deepEqual(event['invite.deleted'], { id: pending.id });
    assert.deepEqual(event.actor, await bootActor(s));
    assertError(await s.get(`/v1/organization/invites/${pending.id}`), 404, 'invite_id');
    assertError(await s.delete(`/v1/organization/invites/${pending.id}`), 404, 'invite_id');

    const old = await invite(s, { email: 'expiring@example.com', role: 'reader', projects: [] });
    s.clock.advance(WEEK);
    assert.equal((await s.delete(`/v1/organization/invites/${old.id}`)).status, 200);

    const accepted = await invite(s, { email: 'kept@example.com', role: 'reader', projects: [] });
    assert.equal((await s.post(`/v1/organization/invites/${accepted.id}/accept`, { name: 'Kept' })).status, 200);
    const count = await s.auditCount();
    const refused = await s.delete(`/v1/organization/invites/${accepted.id}`);
    assertError(refused, 400, 'invite_id');
    assert.equal(refused.body.error.code, 'invite_accepted');
    assert.equal((await s.get(`/v1/organization/invites/${accepted.id}`)).body.status, 'accepted');
    assert.equal(await s.auditCount(), count);
  });

  it('rejects bad accepts and changes nothing', async () => {
    const s = server();
    const project = await newProject(s, 'Accept later archived');
    const pending = await invite(s, { email: 'accept.bad@example.com', role: 'reader', projects: [{ id: project, role: 'member' }] });
    const before = await s.auditCount();
    const accept = (body: unknown, id = pending.id) => s.post(`/v1/organization/invites/${id}/accept`, body);
    assertError(await accept({}), 400, 'name');
    assertError(await accept({ name: '' }), 400, 'name');
    assertError(await accept({ name: 'x'.repeat(257) }), 400, 'name');
    assertError(await accept({ name: 7 }), 400, 'name');
    assertError(await accept({ name: 'Ok', role: 'owner' }), 400, 'role');
    assertError(await accept({ name: 'Ok' }, 'invite-unknown'), 404, 'invite_id');

    // The project was archived after the invite was sent.
    assert.equal((await s.post(`/v1/organization/projects/${project}/archive`)).status, 200);
    const count = await s.auditCount();
    const archived = await accept({ name: 'Ok' });
    assertError(archived, 400, 'invite_id');
    assert.equal(archived.body.error.code, 'project_archived');
    assert.match(archived.body.error.message, new RegExp(project));
    assert.equal(await s.auditCount(), count);

    // The email became a member by other means after the invite was sent.
    const raced = await invite(s, { email: 'raced@example.com', role: 'reader', projects: [] });
    await s.ctx.db.insertInto('users').values({ id: 'user-raced', name: 'Raced', email: 'RACED@example.com', role: 'reader', added_at: s.clock.now() }).execute();
    const dup = await accept({ name: 'Raced Again' }, raced.id);
    assertError(dup, 409, 'invite_id');
    assert.equal(dup.body.error.code, 'user_exists');
    assert.equal((await s.get(`/v1/organization/invites/${raced.id}`)).body.status, 'pending');
    assert.equal((await s.get('/v1/organization/users?emails[]=accept.bad@example.com')).body.data.length, 0);
    assert.equal(await s.auditCount(), before + 2); // project.archived and invite.sent only
  });

  it('full flow: invite, accept, membership, removal revokes keys', async () => {
    const s = server();
    const project = await newProject(s, 'Flow');
    const sent = await invite(s, { email: 'Flow.User@example.com', role: 'owner', projects: [{ id: project, role: 'owner' }, { id: s.boot.defaultProjectId, role: 'member' }] });
    s.clock.advance(60);
    const before = await s.auditCount();
    const res = await s.post(`/v1/organization/invites/${sent.id}/accept`, { name: 'Flow User' });
    assert.equal(res.status, 200);
    assertComponent('User', res.body);
    assertSpec('retrieve-user', res.body);
    assert.match(res.body.id, /^user-[A-Za-z0-9]{24}$/);
    const user = { object: 'organization.user', id: res.body.id, name: 'Flow User', email: 'Flow.User@example.com', role: 'owner', added_at: s.clock.now() };
    assert.deepEqual(res.body, user);
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'invite.accepted');
    assert.deepEqual(event['invite.accepted'], { id: sent.id });
    assert.deepEqual(event.actor, await bootActor(s));

    const accepted = await s.get(`/v1/organization/invites/${sent.id}`);
    assertSpec('retrieve-invite', accepted.body);
    assert.deepEqual(accepted.body, { ...sent, status: 'accepted', accepted_at: s.clock.now() });
    const again = await s.post(`/v1/organization/invites/${sent.id}/accept`, { name: 'Twice' });
    assertError(again, 400, 'invite_id');
    assert.equal(again.body.error.code, 'invite_accepted');
    assert.equal(await s.auditCount(), before + 1);

    const listed = await s.get('/v1/organization/users?emails[]=flow.user@example.com');
    assertSpec('list-users', listed.body);
    assert.deepEqual(listed.body.data, [user]);
    assert.deepEqual((await s.get(`/v1/organization/users/${user.id}`)).body, user);
    const memberships = () => s.ctx.db.selectFrom('project_users').select(['project_id', 'role', 'added_at']).where('user_id', '=', user.id).orderBy('seq').execute();
    assert.deepEqual((await memberships()).map((m) => ({ ...m, added_at: Number(m.added_at) })), [
      { project_id: project, role: 'owner', added_at: s.clock.now() },
      { project_id: s.boot.defaultProjectId, role: 'member', added_at: s.clock.now() },
    ]);

    const { value: key } = await issueKey(s.ctx.db, {
      kind: 'project', name: 'flow key', projectId: project, ownerType: 'user', ownerId: user.id, expiresAt: null, createdAt: s.clock.now(),
    });
    assertError(await s.get('/v1/organization/users', { key }), 403);
    const removed = await s.delete(`/v1/organization/users/${user.id}`);
    assert.equal(removed.status, 200);
    assertSpec('delete-user', removed.body);
    assertError(await s.get('/v1/organization/users', { key }), 401);
    assert.deepEqual(await memberships(), []);
    assert.equal((await s.get('/v1/organization/users?emails[]=flow.user@example.com')).body.data.length, 0);
    // The accepted invite stays in the history.
    assert.equal((await s.get(`/v1/organization/invites/${sent.id}`)).body.status, 'accepted');
  });

  it('documents accept as an orgplane extension', async () => {
    const doc = (await server().get('/openapi.json', { key: null })).body;
    const op = doc.paths['/organization/invites/{invite_id}/accept'].post;
    assert.deepEqual(op.tags, ['Invites', 'Extensions']);
    assert.match(op.description, /orgplane extension/);
    assert.equal(doc.paths['/organization/invites'].post.operationId, 'inviteUser');
  });
});
