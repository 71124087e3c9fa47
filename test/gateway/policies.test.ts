import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { DIALECTS, TestServer } from '../helpers/harness.js';
import { eventually, projectWithKey, refused, routesFrom, sdk } from './helpers.js';

const UPSTREAM_KEY = 'sk-upstream-policies';
const messages = [{ role: 'user' as const, content: 'Hello there.' }];

/** The JSON body of the upstream's last request. */
const lastForwarded = (mock: MockUpstream): any => mock.received[mock.received.length - 1].json;

for (const dialect of DIALECTS) {
  describe(`gateway policies [${dialect}]`, () => {
    let mock: MockUpstream;
    let slow: MockUpstream;
    let s: TestServer;

    before(async () => {
      mock = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY });
      // Answers after 1.5 s: a burst to gpt-4.1 is all in flight at once.
      slow = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY, latencyMs: 1500 });
      const routes = routesFrom(
        `upstreams:\n  a: { base_url: "${mock.url}", api_key_env: GW_POLICY_KEY }\n  slow: { base_url: "${slow.url}", api_key_env: GW_POLICY_KEY }\nmodels:\n  "*": [a]\n  gpt-4.1: [slow]\n`,
        { GW_POLICY_KEY: UPSTREAM_KEY },
      );
      s = await new TestServer(dialect, { routes, usageFlushMs: 100 }).start();
    });
    after(async () => {
      await s.stop();
      await mock.close();
      await slow.close();
    });

    it('model permissions: denied models get 403 naming project and model, GET /v1/models lists only allowed ones, delete lifts', async () => {
      const p = await projectWithKey(s, 'Models');
      const client = sdk(s, p.key);
      const allowed = await s.post(`/v1/organization/projects/${p.projectId}/model_permissions`, { mode: 'allow_list', model_ids: ['gpt-4o-mini', 'text-embedding-3-small'] });
      assert.equal(allowed.status, 200);

      assert.equal((await client.chat.completions.create({ model: 'gpt-4o-mini', messages })).object, 'chat.completion');
      const denied = await refused(client.chat.completions.create({ model: 'gpt-4o', messages }));
      assert.equal(denied.status, 403);
      assert.match(denied.error.message, new RegExp(`${p.projectId}.*gpt-4o`));
      assert.equal(denied.error.code, 'model_not_allowed');
      const listed = [];
      for await (const m of client.models.list()) listed.push(m.id);
      assert.deepEqual(listed.sort(), ['gpt-4o-mini', 'text-embedding-3-small']);
      assert.equal((await refused(client.models.retrieve('gpt-4o'))).status, 404);

      // Another project is not restricted.
      const other = await projectWithKey(s, 'Unrestricted');
      assert.equal((await sdk(s, other.key).chat.completions.create({ model: 'gpt-4o', messages })).object, 'chat.completion');

      await s.post(`/v1/organization/projects/${p.projectId}/model_permissions`, { mode: 'deny_list', model_ids: ['gpt-4o-mini'] });
      assert.equal((await refused(client.chat.completions.create({ model: 'gpt-4o-mini', messages }))).status, 403);
      assert.equal((await client.chat.completions.create({ model: 'gpt-4o', messages })).object, 'chat.completion');

      assert.equal((await s.delete(`/v1/organization/projects/${p.projectId}/model_permissions`)).status, 200);
      assert.equal((await client.chat.completions.create({ model: 'gpt-4o-mini', messages })).object, 'chat.completion');
    });

    it('hosted-tool permissions: a request declaring a disabled tool gets 403 naming it; others pass', async () => {
      const p = await projectWithKey(s, 'Tools');
      const client = sdk(s, p.key);
      await s.post(`/v1/organization/projects/${p.projectId}/hosted_tool_permissions`, { web_search: { enabled: false } });
      const before = mock.received.length;
      const denied = await refused(client.responses.create({ model: 'gpt-4o-mini', input: 'find news', tools: [{ type: 'web_search_preview' }] }));
      assert.equal(denied.status, 403);
      assert.match(denied.error.message, /web_search/);
      assert.equal(denied.error.param, 'tools');
      const chat = await refused(client.chat.completions.create({ model: 'gpt-4o-mini', messages, web_search_options: {} }));
      assert.equal(chat.status, 403);
      assert.equal(mock.received.length, before, 'nothing refused reached the upstream');
      const ok = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: false }] });
      assert.equal(ok.object, 'response');
      await s.post(`/v1/organization/projects/${p.projectId}/hosted_tool_permissions`, { web_search: { enabled: true } });
      assert.equal((await client.responses.create({ model: 'gpt-4o-mini', input: 'find news', tools: [{ type: 'web_search_preview' }] })).object, 'response');
    });

    it('zero data retention: what the upstream receives says store: false, and no response ID is kept', async () => {
      const p = await projectWithKey(s, 'ZDR');
      const client = sdk(s, p.key);
      // The organization's setting, inherited through organization_default.
      assert.equal((await s.post('/v1/organization/data_retention', { retention_type: 'zero_data_retention' })).status, 200);
      const opted = await projectWithKey(s, 'Opted out');
      await s.post(`/v1/organization/projects/${opted.projectId}/data_retention`, { retention_type: 'none' });
      try {
        const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'remember nothing', store: true });
        const forwarded = lastForwarded(mock);
        assert.equal(forwarded.store, false);
        assert.equal(forwarded.input, 'remember nothing');
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
        assert.equal(lastForwarded(mock).store, false);
        // No response ID is kept: the response cannot be fetched or continued through orgplane.
        assert.equal((await refused(client.responses.retrieve(r.id))).status, 404);
        const owners = await s.ctx.db.selectFrom('gateway_responses').select('response_id').where('project_id', '=', p.projectId).execute();
        assert.deepEqual(owners, []);

        // A project that opted out forwards what its client sent.
        await sdk(s, opted.key).responses.create({ model: 'gpt-4o-mini', input: 'keep me' });
        assert.equal(lastForwarded(mock).store, undefined);
      } finally {
        await s.post('/v1/organization/data_retention', { retention_type: 'modified_abuse_monitoring' });
      }
      await client.responses.create({ model: 'gpt-4o-mini', input: 'stored again' });
      assert.equal(lastForwarded(mock).store, undefined);
    });

    it('spend limit: a concurrent burst cannot overshoot; at the limit requests get 429 insufficient_quota until it is raised', async () => {
      const p = await projectWithKey(s, 'Budget');
      const client = sdk(s, p.key);
      // max_tokens 500 at gpt-4.1's output price reserves about $0.004 a request: 24 at once cannot all fit 2 cents.
      const prices = s.ctx.catalog.get('gpt-4.1')!.prices;
      const limitCents = 2;
      assert.equal((await s.post(`/v1/organization/projects/${p.projectId}/spend_limit`, { threshold_amount: limitCents, currency: 'USD', interval: 'month' })).status, 200);
      const burst = await Promise.allSettled(Array.from({ length: 24 }, () => client.chat.completions.create({ model: 'gpt-4.1', messages, max_tokens: 500 })));
      const ok = burst.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<OpenAI.ChatCompletion>[];
      const failed = burst.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.ok(ok.length > 0, 'some requests fit the budget');
      assert.ok(failed.length > 0, 'the burst went past the budget');
      for (const f of failed) {
        assert.ok(f.reason instanceof OpenAI.APIError);
        assert.equal(f.reason.status, 429);
        assert.equal((f.reason.error as any).code, 'insufficient_quota');
        assert.equal((f.reason.error as any).type, 'insufficient_quota');
      }
      // The real cost of what was served never exceeds the limit (costs as the costs endpoint prices them).
      const served = ok.reduce((sum, r) => sum + (r.value.usage!.prompt_tokens * prices.input! + r.value.usage!.completion_tokens * prices.output!) / 1e6, 0);
      assert.ok(served * 100 <= limitCents, `served ${served * 100} cents over a ${limitCents}-cent limit`);
      const recorded = await eventually(async () => {
        const cents = await s.ctx.policies.spend.monthToDateCents({ kind: 'project', id: p.projectId });
        return Math.abs(cents - served * 100) < 1e-6 ? cents : undefined;
      }, 5000, 'recorded spend');
      assert.ok(recorded <= limitCents);

      // Spend recorded up to the limit (ingested usage counts too): enforcing, and every request is refused.
      const remaining = limitCents / 100 - served;
      await s.post('/v1/organization/usage/records', { records: [
        { kind: 'completions', id: `fill-${p.projectId}`, timestamp: s.clock.now(), project_id: p.projectId, model: 'gpt-4o', input_tokens: Math.ceil(remaining / 2.5e-6), output_tokens: 0 },
      ] });
      await eventually(async () => ((await s.get(`/v1/organization/projects/${p.projectId}/spend_limit`)).body.enforcement.status === 'enforcing' ? true : undefined), 5000, 'enforcing');
      await eventually(async () => {
        const r = await refused(client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 1 })).catch(() => undefined);
        return r?.status === 429 ? true : undefined;
      }, 5000, 'refusal at the limit');

      // Raising the limit lets requests through again at once.
      await s.post(`/v1/organization/projects/${p.projectId}/spend_limit`, { threshold_amount: 1000, currency: 'USD', interval: 'month' });
      assert.equal((await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5 })).object, 'chat.completion');
      await s.delete(`/v1/organization/projects/${p.projectId}/spend_limit`);
    });

    it('the organization spend limit refuses every project', async () => {
      const p = await projectWithKey(s, 'Org budget');
      await s.post('/v1/organization/spend_limit', { threshold_amount: 1, currency: 'USD', interval: 'month' });
      try {
        // Spend recorded by earlier tests is above one cent: every project is refused.
        const r = await refused(sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 1 }));
        assert.equal(r.status, 429);
        assert.match(r.error.message, /organization/i);
      } finally {
        await s.delete('/v1/organization/spend_limit');
      }
      assert.equal((await sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 1 })).object, 'chat.completion');
    });
  });
}
