import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AdmissionCheck } from '../../src/gateway/admission.js';
import { attemptOrder, loadRoutes, RoutesError } from '../../src/gateway/upstreams.js';
import { ApiError } from '../../src/platform/errors.js';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { TestServer } from '../helpers/harness.js';
import { projectWithKey, routesFrom, sdk } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'orgplane-routes-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('upstream configuration', () => {
  it('ORGPLANE_UPSTREAM_URL / _API_KEY: one upstream for every model; nothing configured: null (503)', () => {
    assert.equal(loadRoutes({}), null);
    const routes = loadRoutes({ ORGPLANE_UPSTREAM_URL: 'https://api.example.com/v1/', ORGPLANE_UPSTREAM_API_KEY: 'sk-x' })!;
    const [target] = routes.models.get('*')!;
    assert.equal(target.upstream.origin, 'https://api.example.com');
    assert.equal(target.upstream.basePath, '/v1');
    assert.deepEqual(target.upstream.headers, { authorization: 'Bearer sk-x' });
    assert.throws(() => loadRoutes({ ORGPLANE_UPSTREAM_URL: 'ftp://x' }), /ORGPLANE_UPSTREAM_URL: "ftp:\/\/x" must be an http/);
  });

  it('reads a JSON or YAML routes file; the URL upstream serves the models the file leaves out', () => {
    const json = file('r.json', JSON.stringify({ upstreams: { v: { base_url: 'http://127.0.0.1:8000/v1', headers: { 'X-Team': 'a' }, timeout_ms: 5000 } }, models: { 'gpt-4o': ['v'] } }));
    const routes = loadRoutes({ ORGPLANE_UPSTREAMS: json, ORGPLANE_UPSTREAM_URL: 'http://127.0.0.1:9000/v1' })!;
    assert.equal(routes.models.get('gpt-4o')![0].upstream.name, 'v');
    assert.deepEqual(routes.models.get('gpt-4o')![0].upstream.headers, { 'x-team': 'a' });
    assert.equal(routes.models.get('gpt-4o')![0].upstream.timeoutMs, 5000);
    assert.equal(routes.models.get('*')![0].upstream.name, 'default');
  });

  it('refuses a bad file with an error naming the file and the field', () => {
    const cases: Array<[string, RegExp, Record<string, string>?]> = [
      ['upstreams: [', /not valid YAML/],
      ['models: {}', /\(top level\)|upstreams: must be an object/],
      ['upstreams:\n  a: { base_url: x }\nmodels:\n  "*": [a]\n', /upstreams\.a\.base_url: "x" is not a URL/],
      ['upstreams:\n  a: { base_url: "http://h/v1", extra: 1 }\nmodels:\n  "*": [a]\n', /upstreams\.a\.extra: unknown field/],
      ['upstreams:\n  a: { base_url: "http://h/v1", api_key_env: NOPE_NOT_SET }\nmodels:\n  "*": [a]\n', /upstreams\.a\.api_key_env: environment variable NOPE_NOT_SET is not set/],
      ['upstreams:\n  a: { base_url: "http://h/v1", headers: { authorization: x } }\nmodels:\n  "*": [a]\n', /upstreams\.a\.headers\.authorization: is set by orgplane/],
      ['upstreams:\n  a: { base_url: "http://h/v1", azure: {} }\nmodels:\n  "*": [a]\n', /upstreams\.a\.azure: must be an object with `api_version`/],
      ['upstreams:\n  a: { base_url: "http://h/v1" }\nmodels:\n  gpt-4o: [{ upstream: a, weight: -1 }]\n', /models\.gpt-4o\[0\]\.weight: must be a number/],
      ['upstreams:\n  a: { base_url: "http://h/v1" }\nmodels:\n  gpt-4o: []\n', /models\.gpt-4o: must be a non-empty list/],
      ['upstreams:\n  a: { base_url: "http://h/v1" }\nmodels:\n  gpt-4o: [{ upstream: a, modle: x }]\n', /models\.gpt-4o\[0\]\.modle: unknown field/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const path = file(`bad-${i}.yaml`, text);
      assert.throws(() => loadRoutes({ ORGPLANE_UPSTREAMS: path }), (err: any) => err instanceof RoutesError && err.message.startsWith(`ORGPLANE_UPSTREAMS ${path}: `) && message.test(err.message), text);
    }
    assert.throws(() => loadRoutes({ ORGPLANE_UPSTREAMS: join(dir, 'missing.yaml') }), /cannot read the file/);
  });

  it('draws the first upstream by weight and falls back in the listed order', () => {
    const routes = routesFrom('upstreams:\n  a: { base_url: "http://a/v1" }\n  b: { base_url: "http://b/v1" }\n  c: { base_url: "http://c/v1" }\nmodels:\n  m: [{ upstream: a, weight: 1 }, { upstream: b, weight: 3 }, { upstream: c, weight: 0 }]\n');
    const targets = routes.models.get('m')!;
    const names = (r: number) => attemptOrder(targets, r).map((t) => t.upstream.name).join(',');
    assert.equal(names(0), 'a,b,c');
    assert.equal(names(0.24), 'a,b,c');
    assert.equal(names(0.25), 'b,a,c');
    assert.equal(names(0.99), 'b,a,c');
  });
});

describe('an Azure OpenAI style upstream', () => {
  let mock: MockUpstream;
  let s: TestServer;
  before(async () => {
    mock = await startMockUpstream({ port: 0, apiKey: 'azure-secret' });
    const base = mock.url.replace(/\/v1$/, '/openai');
    s = await new TestServer('sqlite', {
      routes: routesFrom(`upstreams:\n  az: { base_url: "${base}", api_key_env: AZ_KEY, azure: { api_version: "2024-10-21" } }\nmodels:\n  gpt-4o-mini: [{ upstream: az, model: my-deployment }]\n`, { AZ_KEY: 'azure-secret' }),
    }).start();
  });
  after(async () => {
    await s.stop();
    await mock.close();
  });

  it('gets the deployment path, the api-version and the api-key header', async () => {
    const p = await projectWithKey(s, 'Azure');
    const answer = await sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.object, 'chat.completion');
    const req = mock.received.at(-1)!;
    assert.equal(req.path, '/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
    assert.equal(req.headers['api-key'], 'azure-secret');
    assert.equal(req.headers.authorization, undefined);
  });
});

describe('admission checks added after the rate limits (the interface policies plug into)', () => {
  let mock: MockUpstream;
  let s: TestServer;
  const settled: boolean[] = [];
  before(async () => {
    mock = await startMockUpstream({ port: 0 });
    const check: AdmissionCheck = {
      name: 'test-policy',
      admit(r) {
        if (r.model.id === 'gpt-4o') throw new ApiError(403, `Model ${r.model.id} is not allowed in project ${r.projectId}.`, 'invalid_request_error', 'model', 'model_not_allowed');
        r.headers['x-policy'] = 'checked';
        if (r.body && r.path === '/responses') {
          r.body.store = false;
          r.bodyChanged = true;
          r.keepResponseId = false;
        }
        return { settle: (outcome) => void settled.push(outcome.succeeded) };
      },
    };
    s = await new TestServer('sqlite', {
      routes: routesFrom(`upstreams:\n  m: { base_url: "${mock.url}" }\nmodels:\n  "*": [m]\n`),
      extraChecks: [check],
      modelVisible: (_project, model) => model !== 'gpt-4o',
    }).start();
  });
  after(async () => {
    await s.stop();
    await mock.close();
  });

  it('refuse, add headers, rewrite the body, forbid keeping response IDs, filter the model list', async () => {
    const p = await projectWithKey(s, 'Policies');
    const client = sdk(s, p.key);
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), (err: any) => err.status === 403 && err.code === 'model_not_allowed');
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    assert.equal(response.headers.get('x-policy'), 'checked');
    assert.deepEqual(settled, [true]);
    const created = await client.responses.create({ model: 'gpt-4o-mini', input: 'forget me' });
    assert.equal((mock.received.at(-1)!.json as any).store, false);
    await assert.rejects(client.responses.retrieve(created.id), (err: any) => err.status === 404);
    const models = (await client.models.list()).data.map((m) => m.id);
    assert.ok(models.includes('gpt-4o-mini') && !models.includes('gpt-4o'));
  });
});
