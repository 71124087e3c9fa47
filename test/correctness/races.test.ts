import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect, type Response, type TestServer } from '../helpers/harness.js';

/**
 * Competing requests fired at once over HTTP, many trials on each database: exactly one wins, the
 * others get a clean 4xx, each change has exactly one audit event, and the invariant holds after.
 */
const TRIALS = 8;
const CROWD = 16;

/** Fires every request at once (no request waits for another before it is sent). */
function race(requests: Array<() => Promise<Response>>): Promise<Response[]> {
  return Promise.all(requests.map((r) => r()));
}

function statuses(responses: Response[]): number[] {
  return responses.map((r) => r.status).sort();
}

/** Exactly one 200; every other response one of `allowed`, OpenAI-shaped. */
function assertOneWinner(responses: Response[], allowed: number[]): Response {
  const winners = responses.filter((r) => r.status === 200);
  assert.equal(winners.length, 1, `statuses ${statuses(responses)}: ${responses.map((r) => r.text).join('\n')}`);
  for (const r of responses) if (r.status !== 200) {
    assert.ok(allowed.includes(r.status), `unexpected ${r.status}: ${r.text}`);
    assertError(r, r.status);
  }
  return winners[0];
}

async function events(s: TestServer, type: string, resourceId: string): Promise<number> {
  const row = await s.ctx.db.selectFrom('audit_logs').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', type).where('resource_id', '=', resourceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function liveAdminKeys(s: TestServer): Promise<string[]> {
  const now = s.clock.now();
  const rows = await s.ctx.db.selectFrom('api_keys').select(['id', 'expires_at']).where('kind', '=', 'admin').execute();
  return rows.filter((r) => r.expires_at === null || Number(r.expires_at) > now).map((r) => r.id);
}

async function newAdminKey(s: TestServer, withKey: string, name = 'racer'): Promise<{ id: string; value: string }> {
  const res = await s.post('/v1/organization/admin_api_keys', { name }, { key: withKey });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

forEachDialect('races', (server) => {
  it('two admin keys deleting each other at once: one succeeds, one admin key stays live', async () => {
    const s = server();
    // Start from exactly two keys: the bootstrap key is removed first.
    let survivor = await newAdminKey(s, s.adminKey);
    assert.equal((await s.delete(`/v1/organization/admin_api_keys/${(await liveAdminKeys(s)).find((id) => id !== survivor.id)}`, { key: survivor.value })).status, 200);
    for (let trial = 0; trial < TRIALS; trial++) {
      const other = await newAdminKey(s, survivor.value);
      assert.equal((await liveAdminKeys(s)).length, 2);
      const [a, b] = await race([
        () => s.delete(`/v1/organization/admin_api_keys/${other.id}`, { key: survivor.value }),
        () => s.delete(`/v1/organization/admin_api_keys/${survivor.id}`, { key: other.value }),
      ]);
      // The loser is refused as the last key (400), or — when the winner committed first — its key is gone (401).
      assertOneWinner([a, b], [400, 401]);
      const live = await liveAdminKeys(s);
      assert.equal(live.length, 1, `trial ${trial}: ${live}`);
      const deleted = a.status === 200 ? other : survivor;
      survivor = a.status === 200 ? survivor : other;
      assert.deepEqual(live, [survivor.id]);
      assert.equal(await events(s, 'api_key.deleted', deleted.id), 1);
      assert.equal(await events(s, 'api_key.deleted', survivor.id), 0);
      assert.equal((await s.get('/v1/organization/projects', { key: survivor.value })).status, 200);
    }
    s.boot.adminKey = survivor.value;
  });

  it('an expired admin key does not count as live: the last live key cannot be deleted', async () => {
    const s = server();
    const expiring = await s.post('/v1/organization/admin_api_keys', { name: 'short', expires_in_seconds: 1 });
    assert.equal(expiring.status, 200);
    const own = (await liveAdminKeys(s)).filter((id) => id !== expiring.body.id);
    s.clock.advance(2);
    assert.deepEqual(await liveAdminKeys(s), own);
    const before = await s.auditCount();
    for (const id of own.slice(0, -1)) assert.equal((await s.delete(`/v1/organization/admin_api_keys/${id}`)).status, 200);
    const last = own[own.length - 1];
    assertError(await s.delete(`/v1/organization/admin_api_keys/${last}`), 400, 'key_id');
    assert.equal(await s.auditCount(), before + own.length - 1);
    // The expired key itself can go.
    assert.equal((await s.delete(`/v1/organization/admin_api_keys/${expiring.body.id}`)).status, 200);
  });

  it(`${CROWD} concurrent deletes of one admin key: one 200 and one event, the rest 404`, async () => {
    const s = server();
    for (let trial = 0; trial < TRIALS; trial++) {
      const key = await newAdminKey(s, s.adminKey);
      const responses = await race(Array.from({ length: CROWD }, () => () => s.delete(`/v1/organization/admin_api_keys/${key.id}`)));
      assertOneWinner(responses, [404]);
      assert.equal(await events(s, 'api_key.deleted', key.id), 1);
    }
  });

  it(`${CROWD} concurrent deletes of one invite, one service account, one project key: one 200 and one event each`, async () => {
    const s = server();
    const projectId = await createProject(s, 'Racing');
    const owner = await seedUser(s);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: owner.id, role: 'member' })).status, 200);
    for (let trial = 0; trial < TRIALS; trial++) {
      const invite = await s.post('/v1/organization/invites', { email: `race-${trial}@example.com`, role: 'reader' });
      assert.equal(invite.status, 200, invite.text);
      assertOneWinner(await race(Array.from({ length: CROWD }, () => () => s.delete(`/v1/organization/invites/${invite.body.id}`))), [404]);
      assert.equal(await events(s, 'invite.deleted', invite.body.id), 1);

      const sa = await s.post(`/v1/organization/projects/${projectId}/service_accounts`, { name: `bot ${trial}` });
      assert.equal(sa.status, 200, sa.text);
      assertOneWinner(await race(Array.from({ length: CROWD }, () => () => s.delete(`/v1/organization/projects/${projectId}/service_accounts/${sa.body.id}`))), [404]);
      assert.equal(await events(s, 'service_account.deleted', sa.body.id), 1);

      const key = await s.post(`/v1/organization/projects/${projectId}/api_keys`, { name: `laptop ${trial}`, user_id: owner.id });
      assert.equal(key.status, 200, key.text);
      assertOneWinner(await race(Array.from({ length: CROWD }, () => () => s.delete(`/v1/organization/projects/${projectId}/api_keys/${key.body.id}`))), [404]);
      assert.equal(await events(s, 'api_key.deleted', key.body.id), 1);
    }
  });

  it(`${CROWD} concurrent invites of case variants of one email: one pending invite, one event`, async () => {
    const s = server();
    for (let trial = 0; trial < TRIALS; trial++) {
      const email = `case-${trial}@example.com`;
      const variants = Array.from({ length: CROWD }, (_, i) => (i % 2 ? email.toUpperCase() : email.replace(/^c/, 'C')).replace('EXAMPLE', i % 3 ? 'Example' : 'EXAMPLE'));
      const responses = await race(variants.map((e) => () => s.post('/v1/organization/invites', { email: e, role: 'reader' })));
      const winner = assertOneWinner(responses, [409]);
      const pending = await s.ctx.db.selectFrom('invites').select('id').where('status', '=', 'pending').execute();
      assert.equal(pending.filter((p) => p.id === winner.body.id).length, 1);
      const same = (await s.ctx.db.selectFrom('invites').select('email').execute()).filter((r) => r.email.toLowerCase() === email);
      assert.equal(same.length, 1, `trial ${trial}: ${same.map((r) => r.email)}`);
      assert.equal(await events(s, 'invite.sent', winner.body.id), 1);
    }
  });

  it('case variants cannot become two users: the database refuses a second user with the same email', async () => {
    const s = server();
    await seedUser(s, { email: 'Twin@example.com' });
    await assert.rejects(seedUser(s, { email: 'twin@EXAMPLE.com' }));
    assertError(await s.post('/v1/organization/invites', { email: 'TWIN@example.com', role: 'reader' }), 409, 'email');
  });

  it('two owners demoting or removing each other at once: one owner always remains', async () => {
    const s = server();
    const userEvents = async () => {
      const row = await s.ctx.db.selectFrom('audit_logs').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', 'in', ['user.updated', 'user.deleted']).where('project_id', 'is', null).executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const owners = async () => (await s.ctx.db.selectFrom('users').select('id').where('role', '=', 'owner').execute()).map((r) => r.id);
    const bootOwner = s.boot.ownerUserId;
    for (let trial = 0; trial < TRIALS; trial++) {
      const other = await seedUser(s, { role: 'owner' });
      assert.deepEqual((await owners()).sort(), [bootOwner, other.id].sort(), `trial ${trial}`);
      const before = await userEvents();
      // The other owner demoted (or, every second trial, removed) while the bootstrap owner is demoted.
      const responses = await race([
        trial % 2 === 0 ? () => s.post(`/v1/organization/users/${other.id}`, { role: 'reader' }) : () => s.delete(`/v1/organization/users/${other.id}`),
        () => s.post(`/v1/organization/users/${bootOwner}`, { role: 'reader' }),
      ]);
      // The loser is refused as the last owner (400) or, when the bootstrap owner's demotion committed
      // first, because the admin key's owner is no longer an owner (403).
      assertOneWinner(responses, [400, 403]);
      const left = await owners();
      assert.equal(left.length, 1, `trial ${trial}: ${left}`);
      assert.equal(await userEvents(), before + 1);
      // Back to the bootstrap owner alone for the next trial (set up directly: the admin key is the
      // bootstrap owner's, who may have lost the right to promote anyone).
      await s.ctx.db.updateTable('users').set({ role: 'owner' }).where('id', '=', bootOwner).execute();
      await s.ctx.db.deleteFrom('users').where('id', '=', other.id).execute();
    }
  });
});
