import assert from 'node:assert/strict';
import { it } from 'node:test';
import OpenAI from 'openai';
import { createProject } from '../helpers/fixtures.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

function client(server: TestServer): OpenAI {
  return new OpenAI({ adminAPIKey: server.adminKey, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
}

const alertBody = (threshold: number, recipients = ['finance@example.com'], subject_prefix: string | null = 'Spend') => ({
  threshold_amount: threshold,
  currency: 'USD' as const,
  interval: 'month' as const,
  notification_channel: { type: 'email' as const, recipients, subject_prefix },
});

/** Records `inputTokens` of gpt-4o (default catalog: $2.50 per million input tokens) for the project, at the server's now. */
async function spend(s: TestServer, projectId: string, id: string, inputTokens: number): Promise<void> {
  const res = await s.post('/v1/organization/usage/records', {
    records: [{ kind: 'completions', id, timestamp: s.clock.now(), project_id: projectId, model: 'gpt-4o', input_tokens: inputTokens, output_tokens: 0 }],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

forEachDialect('policy admin operations', (server) => {
  it('organization spend limit: 404 until set, create/replace, enforcement from recorded spend, delete', async () => {
    const s = server();
    assertError(await s.get('/v1/organization/spend_limit'), 404);
    assertError(await s.delete('/v1/organization/spend_limit'), 404);

    const before = await s.auditCount();
    const created = await s.post('/v1/organization/spend_limit', { threshold_amount: 10000, currency: 'USD', interval: 'month' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assertSpec('Updateorganizationspendlimit', created.body);
    assert.deepEqual(created.body, { object: 'organization.spend_limit', threshold_amount: 10000, currency: 'USD', interval: 'month', enforcement: { status: 'inactive' } });
    assert.equal(await s.auditCount(), before + 1);
    const event = await s.lastAudit();
    assert.equal(event.type, 'organization.updated');
    assert.deepEqual(event['organization.updated'].changes_requested, { spend_limit: { threshold_amount: 10000, currency: 'USD', interval: 'month' } });

    // $2.50 recorded in a project: 250 cents of a 200-cent limit → enforcing.
    await s.post('/v1/organization/spend_limit', { threshold_amount: 200, currency: 'USD', interval: 'month' });
    await spend(s, s.boot.defaultProjectId, 'org-limit-1', 1_000_000);
    const got = await s.get('/v1/organization/spend_limit');
    assertSpec('Getorganizationspendlimit', got.body);
    assert.equal(got.body.enforcement.status, 'enforcing');
    const raised = await s.post('/v1/organization/spend_limit', { threshold_amount: 251, currency: 'USD', interval: 'month' });
    assert.equal(raised.body.enforcement.status, 'inactive');

    const deleted = await s.delete('/v1/organization/spend_limit');
    assertSpec('Deleteorganizationspendlimit', deleted.body);
    assert.deepEqual(deleted.body, { object: 'organization.spend_limit.deleted', deleted: true });
    assert.deepEqual((await s.lastAudit())['organization.updated'].changes_requested, { spend_limit: null });
    assertError(await s.get('/v1/organization/spend_limit'), 404);
  });

  it('spend limit input is validated exactly, and a refused change changes nothing', async () => {
    const s = server();
    const before = await s.auditCount();
    assertError(await s.post('/v1/organization/spend_limit', { threshold_amount: 0, currency: 'USD', interval: 'month' }), 400, 'threshold_amount');
    assertError(await s.post('/v1/organization/spend_limit', { threshold_amount: 1.5, currency: 'USD', interval: 'month' }), 400, 'threshold_amount');
    assertError(await s.post('/v1/organization/spend_limit', { threshold_amount: 10, currency: 'EUR', interval: 'month' }), 400, 'currency');
    assertError(await s.post('/v1/organization/spend_limit', { threshold_amount: 10, currency: 'USD', interval: 'week' }), 400, 'interval');
    assertError(await s.post('/v1/organization/spend_limit', { threshold_amount: 10, currency: 'USD' }), 400, 'interval');
    assertError(await s.post('/v1/organization/projects/proj_missing/spend_limit', { threshold_amount: 10, currency: 'USD', interval: 'month' }), 404, 'project_id');
    assert.equal(await s.auditCount(), before);
  });

  it('project spend limit through the official SDK, scoped to its project', async () => {
    const s = server();
    const sdk = client(s);
    const project = await createProject(s, 'Limited');
    const other = await createProject(s, 'Other');
    await assert.rejects(sdk.admin.organization.projects.spendLimit.retrieve(project), (e: any) => e.status === 404);
    const updated = await sdk.admin.organization.projects.spendLimit.update(project, { threshold_amount: 100, currency: 'USD', interval: 'month' });
    assertSpec('Updateprojectspendlimit', updated);
    assert.equal(updated.object, 'project.spend_limit');
    assert.equal(updated.enforcement.status, 'inactive');
    const event = await s.lastAudit();
    assert.equal(event.type, 'project.updated');
    assert.equal(event.project.id, project);

    await spend(s, other, 'other-1', 1_000_000); // another project's spend does not count
    assert.equal((await sdk.admin.organization.projects.spendLimit.retrieve(project)).enforcement.status, 'inactive');
    await spend(s, project, 'own-1', 400_000); // $1.00 = 100 cents: at the limit
    const got = await sdk.admin.organization.projects.spendLimit.retrieve(project);
    assertSpec('Getprojectspendlimit', got);
    assert.equal(got.enforcement.status, 'enforcing');

    const deleted = await sdk.admin.organization.projects.spendLimit.delete(project);
    assertSpec('Deleteprojectspendlimit', deleted);
    assert.deepEqual({ ...deleted }, { object: 'project.spend_limit.deleted', deleted: true });
    await assert.rejects(sdk.admin.organization.projects.spendLimit.retrieve(project), (e: any) => e.status === 404);
  });

  it('organization spend alerts: create, list (paged both ways), retrieve, update, delete through the SDK', async () => {
    const s = server();
    const sdk = client(s);
    const created = [];
    for (let i = 0; i < 5; i++) {
      const alert = await sdk.admin.organization.spendAlerts.create(alertBody(1000 * (i + 1)));
      assertSpec('create-organization-spend-alert', alert);
      assert.match(alert.id, /^alert_/);
      created.push(alert);
    }
    assert.deepEqual({ ...created[0], id: 'x' }, { id: 'x', object: 'organization.spend_alert', ...alertBody(1000) });
    assert.equal((await s.lastAudit()).type, 'organization.updated');

    const seen: string[] = [];
    for await (const alert of sdk.admin.organization.spendAlerts.list({ limit: 2 })) seen.push(alert.id);
    assert.deepEqual(seen, created.map((a) => a.id));
    const page = await s.get('/v1/organization/spend_alerts?limit=2');
    assertSpec('list-organization-spend-alerts', page.body);
    assert.equal(page.body.has_more, true);
    const desc = await s.get('/v1/organization/spend_alerts?order=desc&limit=10');
    assert.deepEqual(desc.body.data.map((a: any) => a.id), created.map((a) => a.id).reverse());
    const back = await s.get(`/v1/organization/spend_alerts?before=${created[3].id}&limit=2`);
    assert.deepEqual(back.body.data.map((a: any) => a.id), [created[1].id, created[2].id]);
    const none = await s.get('/v1/organization/spend_alerts?limit=0');
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.data, []);
    assertError(await s.get('/v1/organization/spend_alerts?limit=101'), 400, 'limit');
    assertError(await s.get('/v1/organization/spend_alerts?order=up'), 400, 'order');
    assertError(await s.get('/v1/organization/spend_alerts?after=alert_nope'), 400, 'after');

    const got = await sdk.admin.organization.spendAlerts.retrieve(created[0].id);
    assertSpec('retrieve-organization-spend-alert', got);
    const updated = await sdk.admin.organization.spendAlerts.update(created[0].id, alertBody(1500, ['a@example.com', 'b@example.com'], null));
    assertSpec('update-organization-spend-alert', updated);
    assert.equal(updated.threshold_amount, 1500);
    assert.deepEqual(updated.notification_channel, { type: 'email', recipients: ['a@example.com', 'b@example.com'], subject_prefix: null });
    assert.equal((await sdk.admin.organization.spendAlerts.retrieve(created[0].id)).threshold_amount, 1500);

    const deleted = await sdk.admin.organization.spendAlerts.delete(created[0].id);
    assertSpec('delete-organization-spend-alert', deleted);
    assert.deepEqual({ ...deleted }, { id: created[0].id, object: 'organization.spend_alert.deleted', deleted: true });
    await assert.rejects(sdk.admin.organization.spendAlerts.retrieve(created[0].id), (e: any) => e.status === 404);
    assertError(await s.delete(`/v1/organization/spend_alerts/${created[0].id}`), 404, 'alert_id');
  });

  it('spend alert input is validated and refused changes write nothing', async () => {
    const s = server();
    const before = await s.auditCount();
    assertError(await s.post('/v1/organization/spend_alerts', { ...alertBody(10), currency: 'usd' }), 400, 'currency');
    assertError(await s.post('/v1/organization/spend_alerts', { ...alertBody(-1) }), 400, 'threshold_amount');
    assertError(await s.post('/v1/organization/spend_alerts', alertBody(10, ['not-an-address'])), 400, 'notification_channel.recipients[0]');
    assertError(await s.post('/v1/organization/spend_alerts', alertBody(10, [])), 400, 'notification_channel.recipients');
    assertError(await s.post('/v1/organization/spend_alerts', { ...alertBody(10), notification_channel: { type: 'sms', recipients: ['a@example.com'] } }), 400, 'notification_channel.type');
    const { notification_channel: _omit, ...missing } = alertBody(10);
    assertError(await s.post('/v1/organization/spend_alerts', missing), 400, 'notification_channel');
    assert.equal(await s.auditCount(), before);
  });

  it('project spend alerts through the SDK; IDs do not cross scopes', async () => {
    const s = server();
    const sdk = client(s);
    const project = await createProject(s, 'Alerted');
    const other = await createProject(s, 'Elsewhere');
    const alert = await sdk.admin.organization.projects.spendAlerts.create(project, alertBody(500));
    assertSpec('create-project-spend-alert', alert);
    assert.equal(alert.object, 'project.spend_alert');
    assert.equal((await s.lastAudit()).project.id, project);
    const listed = await s.get(`/v1/organization/projects/${project}/spend_alerts`);
    assertSpec('list-project-spend-alerts', listed.body);
    assert.deepEqual(listed.body.data.map((a: any) => a.id), [alert.id]);
    const all = [];
    for await (const a of sdk.admin.organization.projects.spendAlerts.list(project)) all.push(a.id);
    assert.deepEqual(all, [alert.id]);
    assertSpec('retrieve-project-spend-alert', await sdk.admin.organization.projects.spendAlerts.retrieve(alert.id, { project_id: project }));
    const updated = await sdk.admin.organization.projects.spendAlerts.update(alert.id, { project_id: project, ...alertBody(700) });
    assertSpec('update-project-spend-alert', updated);
    assert.equal(updated.threshold_amount, 700);

    assertError(await s.get(`/v1/organization/projects/${other}/spend_alerts/${alert.id}`), 404, 'alert_id');
    assertError(await s.get(`/v1/organization/spend_alerts/${alert.id}`), 404, 'alert_id');
    assert.deepEqual((await s.get(`/v1/organization/projects/${other}/spend_alerts`)).body.data, []);
    assertError(await s.get('/v1/organization/projects/proj_missing/spend_alerts'), 404, 'project_id');

    const deleted = await sdk.admin.organization.projects.spendAlerts.delete(alert.id, { project_id: project });
    assertSpec('delete-project-spend-alert', deleted);
    assert.equal(deleted.object, 'project.spend_alert.deleted');
  });

  it('data retention: organization and project, with organization_default, through the SDK', async () => {
    const s = server();
    const sdk = client(s);
    const org = await sdk.admin.organization.dataRetention.retrieve();
    assertSpec('retrieve-organization-data-retention', org);
    assert.deepEqual({ ...org }, { object: 'organization.data_retention', type: 'modified_abuse_monitoring' });
    const project = await createProject(s, 'Retained');
    const own = await sdk.admin.organization.projects.dataRetention.retrieve(project);
    assertSpec('retrieve-project-data-retention', own);
    assert.deepEqual({ ...own }, { object: 'project.data_retention', type: 'organization_default' });

    const before = await s.auditCount();
    const orgUpdated = await sdk.admin.organization.dataRetention.update({ retention_type: 'zero_data_retention' });
    assertSpec('update-organization-data-retention', orgUpdated);
    assert.equal(orgUpdated.type, 'zero_data_retention');
    assert.equal(await s.auditCount(), before + 1);
    assert.deepEqual((await s.lastAudit())['organization.updated'].changes_requested, { data_retention: 'zero_data_retention' });
    assert.equal(s.ctx.policies.retentionOf(project), 'zero_data_retention');
    assert.equal(s.ctx.policies.zeroDataRetention(project), true);

    const projUpdated = await sdk.admin.organization.projects.dataRetention.update(project, { retention_type: 'none' });
    assertSpec('update-project-data-retention', projUpdated);
    assert.equal(projUpdated.type, 'none');
    assert.equal(s.ctx.policies.zeroDataRetention(project), false);
    // Setting the same value again changes nothing and logs nothing.
    const count = await s.auditCount();
    await sdk.admin.organization.projects.dataRetention.update(project, { retention_type: 'none' });
    assert.equal(await s.auditCount(), count);

    assertError(await s.post('/v1/organization/data_retention', { retention_type: 'organization_default' }), 400, 'retention_type');
    assertError(await s.post('/v1/organization/data_retention', { retention_type: 'none' }), 400, 'retention_type');
    assertError(await s.post(`/v1/organization/projects/${project}/data_retention`, { retention_type: 'forever' }), 400, 'retention_type');
    assertError(await s.post(`/v1/organization/projects/${project}/data_retention`, {}), 400, 'retention_type');
    await sdk.admin.organization.dataRetention.update({ retention_type: 'modified_abuse_monitoring' });
  });

  it('model permissions: unrestricted by default, allow and deny lists, unknown models named, delete lifts', async () => {
    const s = server();
    const sdk = client(s);
    const project = await createProject(s, 'Models');
    const initial = await sdk.admin.organization.projects.modelPermissions.retrieve(project);
    assertSpec('retrieve-project-model-permissions', initial);
    assert.deepEqual({ ...initial }, { object: 'project.model_permissions', mode: 'deny_list', model_ids: [] });

    const allow = await sdk.admin.organization.projects.modelPermissions.update(project, { mode: 'allow_list', model_ids: ['gpt-4o', 'gpt-4o-mini'] });
    assertSpec('update-project-model-permissions', allow);
    assert.deepEqual({ ...allow }, { object: 'project.model_permissions', mode: 'allow_list', model_ids: ['gpt-4o', 'gpt-4o-mini'] });
    assert.deepEqual((await s.lastAudit())['project.updated'].changes_requested, { model_permissions: { mode: 'allow_list', model_ids: ['gpt-4o', 'gpt-4o-mini'] } });
    assert.equal(s.ctx.policies.modelAllowed(project, 'gpt-4o'), true);
    assert.equal(s.ctx.policies.modelAllowed(project, 'gpt-5'), false);
    assert.equal(s.ctx.policies.modelAllowed(s.boot.defaultProjectId, 'gpt-5'), true);

    const before = await s.auditCount();
    const unknown = await s.post(`/v1/organization/projects/${project}/model_permissions`, { mode: 'deny_list', model_ids: ['gpt-4o', 'gpt-nope'] });
    assertError(unknown, 400, 'model_ids[1]');
    assert.match(unknown.body.error.message, /gpt-nope/);
    assertError(await s.post(`/v1/organization/projects/${project}/model_permissions`, { mode: 'block_list', model_ids: [] }), 400, 'mode');
    assertError(await s.post(`/v1/organization/projects/${project}/model_permissions`, { mode: 'deny_list', model_ids: ['gpt-4o', 'gpt-4o'] }), 400, 'model_ids[1]');
    assertError(await s.post(`/v1/organization/projects/${project}/model_permissions`, { mode: 'deny_list' }), 400, 'model_ids');
    assert.equal(await s.auditCount(), before);
    assert.deepEqual((await sdk.admin.organization.projects.modelPermissions.retrieve(project)).model_ids, ['gpt-4o', 'gpt-4o-mini']);

    await sdk.admin.organization.projects.modelPermissions.update(project, { mode: 'deny_list', model_ids: ['gpt-4o'] });
    assert.equal(s.ctx.policies.modelAllowed(project, 'gpt-4o'), false);
    assert.equal(s.ctx.policies.modelAllowed(project, 'gpt-5'), true);

    const deleted = await sdk.admin.organization.projects.modelPermissions.delete(project);
    assertSpec('delete-project-model-permissions', deleted);
    assert.deepEqual({ ...deleted }, { object: 'project.model_permissions.deleted', deleted: true });
    assert.equal(s.ctx.policies.modelAllowed(project, 'gpt-4o'), true);
    assert.deepEqual({ ...(await sdk.admin.organization.projects.modelPermissions.retrieve(project)) }, initial && { object: 'project.model_permissions', mode: 'deny_list', model_ids: [] });
    assertError(await s.get('/v1/organization/projects/proj_missing/model_permissions'), 404, 'project_id');
  });

  it('hosted-tool permissions: all enabled by default, partial updates, audited only when something changes', async () => {
    const s = server();
    const sdk = client(s);
    const project = await createProject(s, 'Tools');
    const initial = await sdk.admin.organization.projects.hostedToolPermissions.retrieve(project);
    assertSpec('retrieve-project-hosted-tool-permissions', initial);
    const all = (enabled: boolean) => ({ enabled });
    assert.deepEqual({ ...initial }, { file_search: all(true), web_search: all(true), image_generation: all(true), mcp: all(true), code_interpreter: all(true) });

    const updated = await sdk.admin.organization.projects.hostedToolPermissions.update(project, { image_generation: { enabled: false }, file_search: { enabled: true }, mcp: null });
    assertSpec('update-project-hosted-tool-permissions', updated);
    assert.deepEqual({ ...updated }, { file_search: all(true), web_search: all(true), image_generation: all(false), mcp: all(true), code_interpreter: all(true) });
    assert.deepEqual((await s.lastAudit())['project.updated'].changes_requested, { hosted_tool_permissions: { image_generation: { enabled: false } } });
    assert.equal(s.ctx.policies.toolAllowed(project, 'image_generation'), false);
    assert.equal(s.ctx.policies.toolAllowed(project, 'mcp'), true);

    const second = await sdk.admin.organization.projects.hostedToolPermissions.update(project, { web_search: { enabled: false } });
    assert.equal(second.image_generation.enabled, false, 'earlier changes are kept');
    assert.equal(second.web_search.enabled, false);

    const before = await s.auditCount();
    assert.equal((await s.post(`/v1/organization/projects/${project}/hosted_tool_permissions`, {})).status, 200);
    assertError(await s.post(`/v1/organization/projects/${project}/hosted_tool_permissions`, { browser: { enabled: false } }), 400, 'browser');
    assertError(await s.post(`/v1/organization/projects/${project}/hosted_tool_permissions`, { mcp: { enabled: 'no' } }), 400);
    assertError(await s.post(`/v1/organization/projects/${project}/hosted_tool_permissions`, { mcp: {} }), 400);
    assert.equal(await s.auditCount(), before);
  });

  it('archived projects keep their policies readable but refuse changes', async () => {
    const s = server();
    const project = await createProject(s, 'Archived');
    await s.post(`/v1/organization/projects/${project}/archive`);
    assert.equal((await s.get(`/v1/organization/projects/${project}/model_permissions`)).status, 200);
    assertError(await s.post(`/v1/organization/projects/${project}/model_permissions`, { mode: 'deny_list', model_ids: [] }), 400, 'project_id');
    assertError(await s.post(`/v1/organization/projects/${project}/spend_limit`, { threshold_amount: 10, currency: 'USD', interval: 'month' }), 400, 'project_id');
  });

  it('every policy route is in the served OpenAPI document under its official operationId', async () => {
    const doc = (await server().get('/openapi.json')).body;
    const ids = new Set<string>();
    for (const item of Object.values<any>(doc.paths)) for (const op of Object.values<any>(item)) if (op?.operationId) ids.add(op.operationId);
    for (const id of [
      'Getorganizationspendlimit', 'Updateorganizationspendlimit', 'Deleteorganizationspendlimit', 'Getprojectspendlimit', 'Updateprojectspendlimit', 'Deleteprojectspendlimit',
      'list-organization-spend-alerts', 'create-organization-spend-alert', 'retrieve-organization-spend-alert', 'update-organization-spend-alert', 'delete-organization-spend-alert',
      'list-project-spend-alerts', 'create-project-spend-alert', 'retrieve-project-spend-alert', 'update-project-spend-alert', 'delete-project-spend-alert',
      'retrieve-organization-data-retention', 'update-organization-data-retention', 'retrieve-project-data-retention', 'update-project-data-retention',
      'retrieve-project-model-permissions', 'update-project-model-permissions', 'delete-project-model-permissions',
      'retrieve-project-hosted-tool-permissions', 'update-project-hosted-tool-permissions',
    ]) assert.ok(ids.has(id), `missing ${id}`);
  });
});
