import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createProject, seedUser } from '../helpers/fixtures.js';
import { assertError, forEachDialect } from '../helpers/harness.js';

/**
 * Hostile and unusual input, as clients send it: what the databases cannot store is a 400 naming
 * the parameter (never a 500, nothing changed); every encoding an official SDK or usage tool uses
 * is understood.
 */
forEachDialect('input the database cannot store, and every client encoding', (server) => {
  it('usage records with a non-JSON content type: 415, nothing stored', async () => {
    const s = server();
    const projectId = await createProject(s, 'Typed');
    const body = JSON.stringify({ records: [{ kind: 'completions', id: 'ct-1', timestamp: s.clock.now() - 60, project_id: projectId, model: 'gpt-4o', input_tokens: 1, output_tokens: 1 }] });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/csv']) {
      assertError(await s.request('POST', '/v1/organization/usage/records', { raw: body, headers: { 'content-type': type } }), 415);
    }
    assertError(await s.request('POST', '/v1/organization/projects', { raw: '{"name":"x"}', headers: { 'content-type': 'text/plain' } }), 415);
    const again = await s.request('POST', '/v1/organization/usage/records', { raw: body });
    assert.equal(again.status, 200);
    assert.equal(again.body.accepted, 1, 'the refused batches stored nothing');
  });

  it('NUL characters in a name, an ID, an email filter, a cursor, a usage record: 400 naming the parameter, nothing changed', async () => {
    const s = server();
    const before = await s.auditCount();
    const projectId = await createProject(s, 'Nul');
    const cases: Array<[Promise<any>, string]> = [
      [s.post('/v1/organization/projects', { name: 'a\u0000b' }), 'name'],
      [s.post(`/v1/organization/projects/${projectId}`, { name: '\u0000' }), 'name'],
      [s.get('/v1/organization/projects/proj_%00x'), 'project_id'],
      [s.delete('/v1/organization/invites/invite-%00'), 'invite_id'],
      [s.get('/v1/organization/users?emails=a%00@example.com'), 'emails[0]'],
      [s.get('/v1/organization/users?emails[]=ok@example.com&emails[]=%00'), 'emails[1]'],
      [s.get('/v1/organization/projects?after=proj_%00'), 'after'],
      [s.get('/v1/organization/audit_logs?after=%00'), 'after'],
      [s.get('/v1/organization/audit_logs?actor_emails[]=x%00'), 'actor_emails[0]'],
      [s.post('/v1/organization/invites', { email: 'nul\u0000@example.com', role: 'reader' }), 'email'],
      [s.post('/v1/organization/usage/records', { records: [{ kind: 'completions', id: 'n1', timestamp: s.clock.now() - 60, project_id: `${projectId}\u0000`, model: 'gpt-4o', input_tokens: 1, output_tokens: 1 }] }), 'records[0].project_id'],
    ];
    for (const [request, param] of cases) assertError(await request, 400, param);
    assert.equal(await s.auditCount(), before + 1, 'only the project creation was logged');
  });

  it('integers beyond what the database holds: 400 naming the parameter', async () => {
    const s = server();
    const projectId = await createProject(s, 'Big');
    assertError(await s.get('/v1/organization/audit_logs?effective_at[gte]=1e20'), 400, 'effective_at.gte');
    assertError(await s.get('/v1/organization/audit_logs?effective_at[lt]=-99999999999999999999'), 400, 'effective_at.lt');
    assertError(await s.get('/v1/organization/usage/completions?start_time=1e20'), 400, 'start_time');
    assertError(await s.get('/v1/organization/costs?start_time=9007199254740993'), 400, 'start_time');
    assertError(await s.post('/v1/organization/admin_api_keys', { name: 'x', expires_in_seconds: 1e20 }), 400, 'expires_in_seconds');
    assertError(await s.post(`/v1/organization/projects/${projectId}/rate_limits/rl-gpt-4o`, { max_requests_per_1_minute: 1e19 }), 400, 'max_requests_per_1_minute');
    const fine = await s.get('/v1/organization/audit_logs?effective_at[gte]=9007199254740991');
    assert.equal(fine.status, 200);
  });

  it('an empty body with a JSON content type is no body (DELETEs, body-less POSTs), as the Python SDK sends it', async () => {
    const s = server();
    const projectId = await createProject(s, 'Empty');
    const json = { 'content-type': 'application/json' };
    const archived = await s.request('POST', `/v1/organization/projects/${projectId}/archive`, { raw: '', headers: json });
    assert.equal(archived.status, 200, archived.text);
    assert.equal(archived.body.status, 'archived');
    const invite = await s.post('/v1/organization/invites', { email: 'empty@example.com', role: 'reader' });
    const deleted = await s.request('DELETE', `/v1/organization/invites/${invite.body.id}`, { raw: '', headers: json });
    assert.equal(deleted.status, 200, deleted.text);
    const whitespace = await s.request('DELETE', `/v1/organization/invites/${invite.body.id}`, { raw: ' \n', headers: json });
    assertError(whitespace, 404, 'invite_id');
    // An operation that needs a body still says so.
    assertError(await s.request('POST', '/v1/organization/projects', { raw: '', headers: json }), 400);
    assertError(await s.request('POST', '/v1/organization/projects', { raw: '{"name":', headers: json }), 400);
  });

  it('comma-joined, repeated and bracketed array parameters are the same list; booleans in the usual spellings', async () => {
    const s = server();
    const projectId = await createProject(s, 'Lists');
    const start = Math.floor(s.clock.now() / 86400) * 86400;
    const ingest = await s.post('/v1/organization/usage/records', { records: [
      { kind: 'completions', id: 'l1', timestamp: start + 60, project_id: projectId, model: 'gpt-4o', input_tokens: 3, output_tokens: 1 },
      { kind: 'completions', id: 'l2', timestamp: start + 60, project_id: projectId, model: 'gpt-4o-mini', input_tokens: 5, output_tokens: 1, batch: true },
    ] });
    assert.equal(ingest.status, 200, ingest.text);
    const base = `/v1/organization/usage/completions?start_time=${start}&project_ids=${projectId}`;
    const bodies = [];
    for (const q of ['group_by=project_id,model', 'group_by=project_id&group_by=model', 'group_by[]=project_id&group_by[]=model', 'group_by=project_id, model', 'group_by[]=project_id,model']) {
      const res = await s.get(`${base}&${q}`);
      assert.equal(res.status, 200, `${q}: ${res.text}`);
      bodies.push(res.text);
      assert.equal(res.body.data[0].results.length, 2, q);
    }
    assert.equal(new Set(bodies).size, 1);
    assertError(await s.get(`${base}&group_by=project_id,nonsense`), 400, 'group_by[1]');
    const batchOnly = (await s.get(`${base}&batch=true`)).text;
    for (const spelling of ['True', 'TRUE', '1', 'yes']) assert.equal((await s.get(`${base}&batch=${spelling}`)).text, batchOnly, spelling);
    const nonBatch = (await s.get(`${base}&batch=false`)).text;
    assert.notEqual(nonBatch, batchOnly);
    for (const spelling of ['False', 'FALSE', '0', 'no']) assert.equal((await s.get(`${base}&batch=${spelling}`)).text, nonBatch, spelling);
    assertError(await s.get(`${base}&batch=maybe`), 400, 'batch');
    const archived = await createProject(s, 'Gone');
    await s.post(`/v1/organization/projects/${archived}/archive`);
    const ids = async (q: string) => ((await s.get(`/v1/organization/projects?${q}`)).body.data as Array<{ id: string }>).map((p) => p.id);
    assert.ok((await ids('include_archived=True')).includes(archived));
    assert.ok(!(await ids('include_archived=False')).includes(archived));
  });

  it('modify-user: role_id and the profile fields, as the spec defines them', async () => {
    const s = server();
    const user = await seedUser(s, { role: 'reader' });
    const path = `/v1/organization/users/${user.id}`;
    const promoted = await s.post(path, { role_id: 'role_org_owner' });
    assert.equal(promoted.status, 200, promoted.text);
    assert.equal(promoted.body.role, 'owner');
    assert.equal((await s.lastAudit())['user.updated'].changes_requested.role, 'owner');
    const profiled = await s.post(path, { technical_level: 'expert', developer_persona: 'data scientist', role: 'owner' });
    assert.equal(profiled.status, 200);
    assert.equal(profiled.body.technical_level, 'expert');
    assert.equal(profiled.body.developer_persona, 'data scientist');
    assert.deepEqual((await s.get(path)).body, profiled.body);
    const before = await s.auditCount();
    assert.equal((await s.post(path, { technical_level: 'expert' })).status, 200);
    assert.equal(await s.auditCount(), before, 'nothing changed, nothing logged');
    const cleared = await s.post(path, { technical_level: null });
    assert.equal(cleared.body.technical_level, undefined);
    assert.equal(cleared.body.developer_persona, 'data scientist');
  });
});
