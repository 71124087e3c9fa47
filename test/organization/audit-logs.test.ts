import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { assertError, forEachDialect } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

forEachDialect('audit logs', (server) => {
  const projects: string[] = [];
  let t0 = 0;
  let otherKey: { id: string; value: string };

  before(async () => {
    const s = server();
    t0 = s.clock.now();
    for (let i = 0; i < 3; i++) {
      const res = await s.post('/v1/organization/projects', { name: `Audit ${i}` });
      projects.push(res.body.id);
      s.clock.advance(10);
    }
    const key = await s.post('/v1/organization/admin_api_keys', { name: 'Second' });
    otherKey = { id: key.body.id, value: key.body.value };
    s.clock.advance(10);
    await s.post(`/v1/organization/projects/${projects[0]}`, { name: 'Audit 0 renamed' }, { key: otherKey.value });
  });

  const ids = (res: any) => res.body.data.map((e: any) => e.id);
  const types = (res: any) => res.body.data.map((e: any) => e.type);

  it('lists events newest first, spec-valid', async () => {
    const res = await server().get('/v1/organization/audit_logs');
    assert.equal(res.status, 200);
    assertSpec('list-audit-logs', res.body);
    assert.deepEqual(types(res), ['project.updated', 'api_key.created', 'project.created', 'project.created', 'project.created']);
    const effective = res.body.data.map((e: any) => e.effective_at);
    assert.deepEqual(effective, [...effective].sort((a: number, b: number) => b - a));
    assert.equal(res.body.has_more, false);
  });

  it('filters by effective_at bounds', async () => {
    const s = server();
    assert.equal((await s.get(`/v1/organization/audit_logs?effective_at[gte]=${t0}&effective_at[lt]=${t0 + 10}`)).body.data.length, 1);
    assert.equal((await s.get(`/v1/organization/audit_logs?effective_at[gt]=${t0}&effective_at[lte]=${t0 + 20}`)).body.data.length, 2);
    assert.equal((await s.get(`/v1/organization/audit_logs?effective_at[gt]=${t0 + 1000}`)).body.data.length, 0);
    assertError(await s.get('/v1/organization/audit_logs?effective_at[gte]=yesterday'), 400, 'effective_at.gte');
  });

  it('filters by project, event type, resource, actor id, key id and email', async () => {
    const s = server();
    const byProject = await s.get(`/v1/organization/audit_logs?project_ids[]=${projects[0]}&project_ids[]=${projects[1]}`);
    assert.deepEqual(types(byProject), ['project.updated', 'project.created', 'project.created']);
    const repeated = await s.get(`/v1/organization/audit_logs?project_ids=${projects[0]}&project_ids=${projects[1]}`);
    assert.deepEqual(ids(repeated), ids(byProject));
    assert.deepEqual(types(await s.get('/v1/organization/audit_logs?event_types[]=api_key.created')), ['api_key.created']);
    assertError(await s.get('/v1/organization/audit_logs?event_types[]=project.exploded'), 400, 'event_types[0]');
    assert.deepEqual(types(await s.get(`/v1/organization/audit_logs?resource_ids[]=${projects[2]}`)), ['project.created']);
    const byKey = await s.get(`/v1/organization/audit_logs?actor_ids[]=${otherKey.id}`);
    assert.deepEqual(types(byKey), ['project.updated']);
    assert.equal(byKey.body.data[0].actor.api_key.id, otherKey.id);
    assert.equal((await s.get(`/v1/organization/audit_logs?actor_ids[]=${s.boot.ownerUserId}`)).body.data.length, 5);
    assert.equal((await s.get('/v1/organization/audit_logs?actor_emails[]=owner@example.com')).body.data.length, 5);
    assert.equal((await s.get('/v1/organization/audit_logs?actor_emails[]=nobody@example.com')).body.data.length, 0);
    assert.equal((await s.get('/v1/organization/audit_logs?tenant_only=true')).body.data.length, 0);
    assertError(await s.get('/v1/organization/audit_logs?tenant_only=true&event_types[]=project.created'), 400, 'event_types');
  });

  it('pages forward with after and backward with before', async () => {
    const s = server();
    const all = ids(await s.get('/v1/organization/audit_logs'));
    const first = await s.get('/v1/organization/audit_logs?limit=2');
    assert.deepEqual(ids(first), all.slice(0, 2));
    assert.equal(first.body.has_more, true);
    const second = await s.get(`/v1/organization/audit_logs?limit=2&after=${first.body.last_id}`);
    assert.deepEqual(ids(second), all.slice(2, 4));
    const back = await s.get(`/v1/organization/audit_logs?limit=2&before=${all[4]}`);
    assert.deepEqual(ids(back), all.slice(2, 4));
    const backToStart = await s.get(`/v1/organization/audit_logs?limit=10&before=${all[2]}`);
    assert.deepEqual(ids(backToStart), all.slice(0, 2));
    assert.equal(backToStart.body.has_more, false);
    assertError(await s.get('/v1/organization/audit_logs?after=audit_log-unknown'), 400, 'after');
    assertError(await s.get('/v1/organization/audit_logs?limit=101'), 400, 'limit');
  });
});
