import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminModules } from '../../src/admin/index.js';
import type { App } from '../../src/admin/app-type.js';
import type { AdminServices } from '../../src/admin/services.js';
import { ENDPOINTS } from '../../src/gateway/endpoints.js';
import { DIALECTS, TestServer } from '../helpers/harness.js';

/** Anything at all: every property and every call gives itself (the services the route modules are handed). */
const anything: any = new Proxy(function anything() {}, { get: (_target, key) => (key === 'then' ? undefined : anything), apply: () => anything });

/** The routes the Administration API's modules register (`METHOD /v1/path/{param}`), read by handing them a recording app. */
function adminRoutes(): string[] {
  const routes: string[] = [];
  const record = (method: string) => (url: string) => {
    routes.push(`${method} /v1${url.replace(/:(\w+)/g, '{$1}')}`);
  };
  const app: any = {
    get: record('GET'),
    post: record('POST'),
    delete: record('DELETE'),
    register: (plugin: (instance: unknown) => unknown) => plugin(app),
    withTypeProvider: () => app,
    removeContentTypeParser: () => app,
    addContentTypeParser: () => app,
  };
  for (const register of adminModules) register(app as App, anything as AdminServices);
  return routes;
}

/** `METHOD /path` of every operation the document lists, the path as served (the /v1 server URL put back). */
function operations(doc: any): Map<string, any> {
  const ops = new Map<string, any>();
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    const base = item.servers?.[0]?.url === '/' ? '' : '/v1';
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) if (item[method]) ops.set(`${method.toUpperCase()} ${base}${path}`, item[method]);
  }
  return ops;
}

/** Every `$ref` in `node`. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

const json = (content: any) => content?.['application/json']?.schema;

for (const dialect of DIALECTS) {
  describe(`the served API reference [${dialect}]`, () => {
    // With the gateway, so its routes are in the document too.
    const s = new TestServer(dialect, { routes: null });
    let doc: any;
    before(async () => {
      await s.start();
      const res = await s.get('/openapi.json', { key: null });
      assert.equal(res.status, 200);
      doc = res.body;
    });
    after(() => s.stop());

    it('lists exactly the served operations: every admin route, the gateway, health and metrics', () => {
      const expected = [
        ...adminRoutes(),
        ...ENDPOINTS.map((e) => `POST /v1${e.path}`),
        'GET /v1/models', 'GET /v1/models/{model}', 'GET /v1/responses/{id}', 'DELETE /v1/responses/{id}', 'GET /v1/responses/{id}/input_items',
        'GET /healthz', 'GET /readyz', 'GET /metrics',
      ];
      assert.equal(new Set(expected).size, expected.length, 'a route registered twice');
      assert.ok(adminRoutes().length > 100, `only ${adminRoutes().length} admin routes recorded`);
      assert.deepEqual([...operations(doc).keys()].sort(), expected.sort());
    });

    it('gives every operation a summary, a description, tags and a unique operationId', () => {
      const ids = new Set<string>();
      for (const [name, op] of operations(doc)) {
        assert.ok(typeof op.summary === 'string' && op.summary.length > 3, `${name}: no summary`);
        assert.ok(!op.summary.endsWith('.'), `${name}: a summary is a title, not a sentence`);
        assert.ok(typeof op.description === 'string' && op.description.length > op.summary.length, `${name}: no description`);
        assert.ok(Array.isArray(op.tags) && op.tags.length > 0, `${name}: no tags`);
        assert.ok(op.operationId && !ids.has(op.operationId), `${name}: operationId ${op.operationId} missing or repeated`);
        ids.add(op.operationId);
      }
    });

    it('says which operations are extensions, and which write an audit event', () => {
      const ops = operations(doc);
      for (const [name, op] of ops) if (op.tags.includes('Extensions')) assert.match(op.description, /extension/i, name);
      assert.deepEqual(ops.get('POST /v1/organization/invites/{invite_id}/accept').tags, ['Invites', 'Extensions']);
      assert.deepEqual(ops.get('POST /v1/organization/usage/records').tags, ['Usage', 'Extensions']);
      assert.match(ops.get('POST /v1/organization/projects').description, /audit event \(`project\.created`\)/);
      assert.match(ops.get('DELETE /v1/organization/admin_api_keys/{key_id}').description, /`api_key\.deleted`/);
      // Operations outside /v1 say so, and need no admin key.
      for (const name of ['GET /healthz', 'GET /readyz']) assert.deepEqual(ops.get(name).security, [], name);
      assert.deepEqual(ops.get('POST /v1/chat/completions').security, [{ ProjectApiKeyAuth: [] }]);
      assert.equal(ops.get('POST /v1/chat/completions').operationId, 'createChatCompletion');
    });

    it('names its schemas: components referenced by $ref, each reference resolving', () => {
      const components = doc.components.schemas;
      for (const name of [
        'Project', 'ProjectListResponse', 'ProjectCreateRequest', 'ProjectUpdateRequest', 'AdminApiKey', 'ApiKeyList', 'AdminApiKeyCreateResponse',
        'AuditLog', 'ListAuditLogsResponse', 'User', 'UserListResponse', 'Invite', 'InviteRequest', 'ProjectUser', 'ProjectServiceAccount',
        'ProjectApiKey', 'ProjectRateLimit', 'Certificate', 'Group', 'Role', 'OrganizationSpendAlert', 'ProjectModelPermissions',
        'UsageCompletionsResult', 'CostsResult', 'ErrorResponse',
      ]) assert.ok(components[name], `components.schemas.${name} missing`);
      assert.deepEqual(Object.keys(components).filter((name) => /^def-\d+$/.test(name)), [], 'unnamed components');
      const all = refs(doc);
      assert.ok(all.length > 200, `only ${all.length} references`);
      for (const ref of all) {
        const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
        assert.ok(match && components[match[1]], `unresolved $ref ${ref}`);
      }
      // A list refers to its item rather than copying it.
      assert.deepEqual(components.ProjectListResponse.properties.data.items, { $ref: '#/components/schemas/Project' });
    });

    it('refers to the named schemas from the bodies and answers of the main resources', () => {
      const ops = operations(doc);
      const answer = (name: string) => json(ops.get(name).responses['200'].content)?.$ref;
      const body = (name: string) => json(ops.get(name).requestBody.content)?.$ref;
      const c = (name: string) => `#/components/schemas/${name}`;
      assert.equal(answer('GET /v1/organization/projects'), c('ProjectListResponse'));
      assert.equal(answer('POST /v1/organization/projects'), c('Project'));
      assert.equal(body('POST /v1/organization/projects'), c('ProjectCreateRequest'));
      assert.equal(body('POST /v1/organization/projects/{project_id}'), c('ProjectUpdateRequest'));
      assert.equal(answer('GET /v1/organization/admin_api_keys'), c('ApiKeyList'));
      assert.equal(answer('POST /v1/organization/admin_api_keys'), c('AdminApiKeyCreateResponse'));
      assert.equal(answer('GET /v1/organization/audit_logs'), c('ListAuditLogsResponse'));
      assert.equal(answer('GET /v1/organization/users/{user_id}'), c('User'));
      assert.equal(body('POST /v1/organization/invites'), c('InviteRequest'));
      assert.equal(answer('POST /v1/organization/projects/{project_id}/service_accounts'), c('ProjectServiceAccountCreateResponse'));
      assert.equal(json(ops.get('GET /v1/organization/projects').responses['404'].content)?.$ref, c('ErrorResponse'));
      // Every JSON body and successful answer of the Administration API is a named schema (the
      // usage pages excepted: one page shape per kind, with named results).
      for (const [name, op] of ops) {
        if (!name.includes('/organization/') && !name.includes('/v1/projects/')) continue;
        if (op.requestBody) assert.ok(body(name), `${name}: inline body`);
        if (/\/usage\/(?!records)|\/costs$/.test(name)) continue;
        assert.ok(answer(name), `${name}: inline answer`);
      }
    });

    it('still validates and answers through the named schemas', async () => {
      const created = await s.post('/v1/organization/projects', { name: 'Named' });
      assert.equal(created.status, 200);
      assert.deepEqual(Object.keys(created.body).sort(), ['archived_at', 'created_at', 'external_key_id', 'id', 'name', 'object', 'status']);
      const bad = await s.post('/v1/organization/projects', { name: 'x', extra: 1 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.param, 'extra');
      const nul = await s.post('/v1/organization/projects', { name: 'a\u0000b' });
      assert.equal(nul.status, 400);
    });
  });
}
