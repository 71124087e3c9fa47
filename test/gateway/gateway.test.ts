import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { toFile } from 'openai';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { DIALECTS, TestServer } from '../helpers/harness.js';
import { eventually, projectWithKey, routesFrom, sdk, usageTotals } from './helpers.js';

const UPSTREAM_KEY_A = 'sk-upstream-a-secret';
const UPSTREAM_KEY_B = 'sk-upstream-b-secret';
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Tell me about the gateway.' },
];

/** Every header the upstream received, lower-cased names. */
const headersOf = (mock: MockUpstream, i = mock.received.length - 1) => mock.received[i].headers;

for (const dialect of DIALECTS) {
  describe(`gateway [${dialect}]`, () => {
    let a: MockUpstream;
    let b: MockUpstream;
    let slow: MockUpstream;
    let late: MockUpstream;
    let s: TestServer;
    let direct: OpenAI;
    let main: Awaited<ReturnType<typeof projectWithKey>>;
    let client: OpenAI;

    before(async () => {
      a = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY_A });
      b = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY_B });
      slow = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY_A, streamChunkDelayMs: 50 });
      late = await startMockUpstream({ port: 0, apiKey: UPSTREAM_KEY_A, bodyDelayMs: 300 });
      const routes = routesFrom(
        `upstreams:
  a: { base_url: "${a.url}", api_key_env: GW_KEY_A, headers: { x-team: research } }
  b: { base_url: "${b.url}", api_key_env: GW_KEY_B }
  slow: { base_url: "${slow.url}", api_key_env: GW_KEY_A }
  late: { base_url: "${late.url}", api_key_env: GW_KEY_A }
  dead: { base_url: "http://127.0.0.1:9/v1", timeout_ms: 2000 }
models:
  "*": [a]
  gpt-4o: [{ upstream: dead, weight: 1 }, { upstream: b, weight: 0 }]
  gpt-4.1: [{ upstream: a, weight: 1 }, { upstream: b, weight: 0 }]
  gpt-4.1-mini: [{ upstream: a, model: upstream-mini }]
  gpt-4.1-nano: [slow]
  gpt-5-nano: [late]
  o3-mini: [dead]
`,
        { GW_KEY_A: UPSTREAM_KEY_A, GW_KEY_B: UPSTREAM_KEY_B },
      );
      s = await new TestServer(dialect, { routes, usageFlushMs: 100 }).start();
      direct = new OpenAI({ apiKey: UPSTREAM_KEY_A, baseURL: a.url, maxRetries: 0 });
      main = await projectWithKey(s, 'Main');
      client = sdk(s, main.key);
    });
    after(async () => {
      await s.stop();
      await Promise.all([a.close(), b.close(), slow.close(), late.close()]);
    });

    it('chat completions, not streamed: the upstream answer, with OpenAI headers; keys never cross', async () => {
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
      const expected = await direct.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal(data.choices[0].message.content, expected.choices[0].message.content);
      assert.deepEqual(data.usage, expected.usage);
      assert.match(response.headers.get('x-request-id')!, /^req_[0-9a-f]{32}$/);
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '500');
      assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '499');
      assert.match(response.headers.get('x-ratelimit-reset-requests')!, /^\d+(\.\d+)?m?s$/);
      assert.ok(response.headers.get('x-ratelimit-limit-tokens'));
      assert.ok(response.headers.get('x-ratelimit-remaining-tokens'));
      assert.ok(response.headers.get('x-ratelimit-reset-tokens'));
      // The upstream got orgplane's key and the configured header, never the caller's key.
      const forwarded = a.received.at(-2)!;
      assert.equal(forwarded.path, '/v1/chat/completions');
      assert.equal(forwarded.headers.authorization, `Bearer ${UPSTREAM_KEY_A}`);
      assert.equal(forwarded.headers['x-team'], 'research');
      assert.ok(!JSON.stringify(forwarded.headers).includes(main.key));
      assert.ok(!JSON.stringify(data).includes(UPSTREAM_KEY_A));
    });

    it('chat completions, streamed: relayed chunk by chunk; usage asked for on the client\'s behalf is removed', async () => {
      const before = a.received.length;
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      const expected = await direct.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal(text, expected.choices[0].message.content);
      assert.ok(chunks.length > 3);
      assert.ok(chunks.every((c) => c.choices.length === 1 && !('usage' in c)), 'no usage chunk, no usage fields');
      // orgplane asked the upstream for usage.
      assert.deepEqual((a.received[before].json as any).stream_options, { include_usage: true });

      // A client that asks for usage gets it, exactly once, at the end.
      const withUsage = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
      const got = [];
      for await (const chunk of withUsage) got.push(chunk);
      assert.deepEqual(got.at(-1)!.usage, expected.usage);
      assert.equal(got.at(-1)!.choices.length, 0);
    });

    it('completions, responses (streamed and not), embeddings, moderations', async () => {
      const legacy = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once upon a time', max_tokens: 5 });
      assert.equal(legacy.usage!.completion_tokens, 5);
      let streamed = '';
      for await (const chunk of await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once upon a time', max_tokens: 5, stream: true })) streamed += chunk.choices[0]?.text ?? '';
      assert.equal(streamed, legacy.choices[0].text);

      const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there', instructions: 'Be brief.' });
      assert.equal(response.object, 'response');
      assert.ok(response.output_text.length > 0);
      const events = [];
      for await (const event of await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there', instructions: 'Be brief.', stream: true })) events.push(event);
      const done = events.find((e) => e.type === 'response.completed') as any;
      assert.equal(done.response.output_text ?? done.response.output[0].content[0].text, response.output_text);

      const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
      assert.equal(embedding.data.length, 2);
      assert.ok(embedding.usage.prompt_tokens > 0);
      const moderation = await client.moderations.create({ model: 'omni-moderation-latest', input: 'a nice day' });
      assert.equal(moderation.results.length, 1);
    });

    it('images (generation and multipart edit) and audio (binary speech, multipart transcription and translation)', async () => {
      const generated = await client.images.generate({ model: 'gpt-image-1', prompt: 'a red fox', n: 2, size: '1024x1024' });
      assert.equal(generated.data!.length, 2);
      const image = await toFile(Buffer.from(generated.data![0].b64_json!, 'base64'), 'fox.png', { type: 'image/png' });
      const edited = await client.images.edit({ model: 'gpt-image-1', image, prompt: 'make it blue' });
      assert.equal(edited.data!.length, 1);
      assert.equal(a.received.at(-1)!.path, '/v1/images/edits');

      const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello from orgplane.' });
      assert.equal(speech.headers.get('content-type'), 'audio/mpeg');
      const bytes = Buffer.from(await speech.arrayBuffer());
      const expected = Buffer.from(await (await direct.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello from orgplane.' })).arrayBuffer());
      assert.ok(bytes.equals(expected));

      const file = await toFile(Buffer.alloc(40_000, 7), 'speech.mp3', { type: 'audio/mpeg' });
      const transcript = await client.audio.transcriptions.create({ model: 'whisper-1', file });
      assert.ok(transcript.text.length > 0);
      const translation = await client.audio.translations.create({ model: 'whisper-1', file });
      assert.ok(translation.text.length > 0);
    });

    it('models: the catalog models with a route; others are model_not_found', async () => {
      const list = [];
      for await (const m of client.models.list()) list.push(m.id);
      assert.ok(list.includes('gpt-4o-mini') && list.includes('whisper-1'));
      assert.deepEqual(await client.models.retrieve('gpt-4o'), { id: 'gpt-4o', object: 'model', created: 0, owned_by: 'system' });
      await assert.rejects(client.models.retrieve('no-such-model'), (err: any) => err.status === 404 && err.code === 'model_not_found');
      await assert.rejects(
        client.chat.completions.create({ model: 'no-such-model', messages }),
        (err: any) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found' && err.headers.get('x-request-id') !== null,
      );
    });

    it('usage: one record per successful request, exact counters, in the usage and costs endpoints', async () => {
      const p = await projectWithKey(s, 'Metered');
      const c = sdk(s, p.key);
      const r1 = await c.chat.completions.create({ model: 'gpt-4o-mini', messages });
      const r2 = await c.responses.create({ model: 'gpt-4o-mini', input: 'Count me' });
      let streamedUsage: any;
      for await (const chunk of await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stream me' }], stream: true, stream_options: { include_usage: true } })) {
        if (chunk.usage) streamedUsage = chunk.usage;
      }
      const e = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'embed this text' });
      await c.images.generate({ model: 'dall-e-3', prompt: 'a fox', size: '1024x1024' });
      await c.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Twenty-two characters' });
      const file = await toFile(Buffer.alloc(80_000, 3), 'a.mp3', { type: 'audio/mpeg' });
      const t: any = await c.audio.transcriptions.create({ model: 'whisper-1', file });
      // A failed request records nothing.
      a.setFailure({ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } }, count: 1 });
      await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini', messages }), OpenAI.BadRequestError);

      const input = r1.usage!.prompt_tokens + r2.usage!.input_tokens + streamedUsage.prompt_tokens;
      const output = r1.usage!.completion_tokens + r2.usage!.output_tokens + streamedUsage.completion_tokens;
      // Every record has been written (the last request's may come in a later batch than the first's).
      await eventually(async () => (await usageTotals(s, 'audio_transcriptions', p.projectId)).num_model_requests === 1, 5000, 'the last usage record');
      const completions = await usageTotals(s, 'completions', p.projectId);
      assert.equal(completions.num_model_requests, 3);
      assert.equal(completions.input_tokens, input);
      assert.equal(completions.output_tokens, output);
      // The recorder writes every second: records of later requests may arrive in a later batch.
      const recorded = (kind: string) => eventually(async () => {
        const totals = await usageTotals(s, kind, p.projectId);
        return Object.keys(totals).length > 0 ? totals : undefined;
      }, 5000, `${kind} usage`);
      assert.equal((await recorded('embeddings')).input_tokens, e.usage.prompt_tokens);
      const images = await recorded('images');
      assert.deepEqual([images.images, images.num_model_requests], [1, 1]);
      assert.equal((await recorded('audio_speeches')).characters, 'Twenty-two characters'.length);
      assert.equal((await recorded('audio_transcriptions')).seconds, t.usage.seconds);

      // By key, user and model.
      const day = s.clock.now() - (s.clock.now() % 86400);
      const grouped = await s.get(`/v1/organization/usage/completions?start_time=${day}&project_ids[]=${p.projectId}&group_by[]=api_key_id&group_by[]=user_id&group_by[]=model`);
      assert.deepEqual(grouped.body.data[0].results.map((r: any) => [r.api_key_id, r.user_id, r.model, r.num_model_requests]), [[p.keyId, p.user.id, 'gpt-4o-mini', 3]]);
      // Priced from the catalog.
      const costs = await s.get(`/v1/organization/costs?start_time=${day}&project_ids[]=${p.projectId}`);
      assert.equal(costs.status, 200);
      const amount = costs.body.data[0].results.reduce((sum: number, r: any) => sum + r.amount.value, 0);
      assert.ok(amount > 0);
    });

    it('usage: a token-billed transcription is recorded as the tokens it used, priced by the catalog', async () => {
      const p = await projectWithKey(s, 'Transcribed');
      const file = await toFile(Buffer.alloc(48_000, 5), 'b.mp3', { type: 'audio/mpeg' });
      const t: any = await sdk(s, p.key).audio.transcriptions.create({ model: 'gpt-4o-transcribe', file });
      assert.equal(t.usage.type, 'tokens');
      const totals = await eventually(async () => {
        const u = await usageTotals(s, 'completions', p.projectId);
        return u.num_model_requests === 1 ? u : undefined;
      }, 5000, 'the transcription usage');
      assert.equal(totals.input_tokens, t.usage.input_tokens);
      assert.equal(totals.input_audio_tokens, t.usage.input_token_details.audio_tokens);
      assert.equal(totals.output_tokens, t.usage.output_tokens);
      const day = s.clock.now() - (s.clock.now() % 86400);
      const costs = await s.get(`/v1/organization/costs?start_time=${day}&project_ids[]=${p.projectId}&group_by[]=line_item`);
      const items = costs.body.data[0].results.filter((r: any) => r.amount.value > 0).map((r: any) => r.line_item).sort();
      assert.deepEqual(items, ['gpt-4o-transcribe, audio input', 'gpt-4o-transcribe, output']);
    });

    it('keys: admin, unknown, deleted keys, removed owners and archived projects get 401; service-account keys work', async () => {
      const unauthorized = (err: any) => err instanceof OpenAI.AuthenticationError && err.code === 'invalid_api_key';
      await assert.rejects(sdk(s, s.adminKey).chat.completions.create({ model: 'gpt-4o-mini', messages }), unauthorized);
      await assert.rejects(sdk(s, 'sk-proj-unknownunknownunknownunknownunknown1234').chat.completions.create({ model: 'gpt-4o-mini', messages }), unauthorized);
      const none = await fetch(`${s.baseUrl}/v1/chat/completions`, { method: 'POST', body: '{}' });
      assert.equal(none.status, 401);

      const sa = await s.post(`/v1/organization/projects/${main.projectId}/service_accounts`, { name: 'Robot' });
      const robot = sdk(s, sa.body.api_key.value);
      assert.equal((await robot.chat.completions.create({ model: 'gpt-4o-mini', messages })).object, 'chat.completion');

      const deleted = await projectWithKey(s, 'Deleted key');
      const c1 = sdk(s, deleted.key);
      await c1.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal((await s.delete(`/v1/organization/projects/${deleted.projectId}/api_keys/${deleted.keyId}`)).status, 200);
      await assert.rejects(c1.chat.completions.create({ model: 'gpt-4o-mini', messages }), unauthorized);

      const removed = await projectWithKey(s, 'Removed owner');
      const c2 = sdk(s, removed.key);
      await c2.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal((await s.delete(`/v1/organization/projects/${removed.projectId}/users/${removed.user.id}`)).status, 200);
      await assert.rejects(c2.chat.completions.create({ model: 'gpt-4o-mini', messages }), unauthorized);

      const archived = await projectWithKey(s, 'Archived');
      const c3 = sdk(s, archived.key);
      await c3.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal((await s.post(`/v1/organization/projects/${archived.projectId}/archive`)).status, 200);
      await assert.rejects(c3.chat.completions.create({ model: 'gpt-4o-mini', messages }), unauthorized);

      // last_used_at is kept.
      const key = await s.get(`/v1/organization/projects/${main.projectId}/api_keys/${main.keyId}`);
      assert.equal(key.body.last_used_at, s.clock.now());
    });

    it('roles: a viewer may list models but not call them (403 naming the permission); promotion applies at once', async () => {
      const v = await projectWithKey(s, 'Viewers', 'viewer');
      const c = sdk(s, v.key);
      assert.ok((await c.models.list()).data.length > 0);
      await assert.rejects(
        c.chat.completions.create({ model: 'gpt-4o-mini', messages }),
        (err: any) => err instanceof OpenAI.PermissionDeniedError && /api\.model\.request/.test(err.message),
      );
      await assert.rejects(c.responses.create({ model: 'gpt-4o-mini', input: 'x' }), (err: any) => err.status === 403 && /api\.responses\.write/.test(err.message));
      assert.equal((await s.post(`/v1/organization/projects/${v.projectId}/users/${v.user.id}`, { role: 'member' })).status, 200);
      assert.equal((await c.chat.completions.create({ model: 'gpt-4o-mini', messages })).object, 'chat.completion');
    });

    it('rate limits: a burst over the limit gets exactly the excess refused, with OpenAI headers', async () => {
      const p = await projectWithKey(s, 'Limited');
      const updated = await s.post(`/v1/organization/projects/${p.projectId}/rate_limits/rl-gpt-4o-mini`, { max_requests_per_1_minute: 3 });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      const results = await Promise.all(Array.from({ length: 5 }, () => fetch(`${s.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
      })));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const refused = results.find((r) => r.status === 429)!;
      const body = await refused.json();
      assert.equal(body.error.code, 'rate_limit_exceeded');
      assert.match(body.error.message, new RegExp(`Rate limit reached for gpt-4o-mini in project ${p.projectId} on requests per min \\(RPM\\): Limit 3, Used 3, Requested 1\\. Please try again in 20s\\.`));
      assert.equal(refused.headers.get('retry-after'), '20');
      assert.equal(refused.headers.get('retry-after-ms'), '20000');
      assert.equal(refused.headers.get('x-ratelimit-limit-requests'), '3');
      assert.equal(refused.headers.get('x-ratelimit-remaining-requests'), '0');
      assert.equal(refused.headers.get('x-ratelimit-reset-requests'), '1m0s');
      // Through the SDK: a RateLimitError it can retry by the headers.
      await assert.rejects(sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: any) => err instanceof OpenAI.RateLimitError && err.headers.get('retry-after-ms') === '20000');
      // The limit is per model: another model is not affected.
      assert.equal((await sdk(s, p.key).chat.completions.create({ model: 'gpt-4.1', messages })).object, 'chat.completion');
      // Refilled continuously: 20 s later, one more request.
      s.clock.advance(20);
      assert.equal((await sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages })).object, 'chat.completion');
    });

    it('rate limits: tokens are reserved at admission (max_tokens) and reconciled with the real usage', async () => {
      const p = await projectWithKey(s, 'Tokens');
      assert.equal((await s.post(`/v1/organization/projects/${p.projectId}/rate_limits/rl-gpt-4o-mini`, { max_tokens_per_1_minute: 1000 })).status, 200);
      await assert.rejects(
        sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5000 }),
        (err: any) => err.status === 429 && /Request too large for gpt-4o-mini .* tokens per min \(TPM\): Limit 1000, Requested 5000/.test(err.message),
      );
      const { data, response } = await sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 900 }).withResponse();
      assert.equal(response.headers.get('x-ratelimit-remaining-tokens'), '100');
      const used = data.usage!.total_tokens;
      // Reconciled: what was reserved and not used is back.
      const next = await sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 1 }).withResponse();
      assert.equal(next.response.headers.get('x-ratelimit-remaining-tokens'), String(1000 - used - Math.max(1, Math.ceil(JSON.stringify({ model: 'gpt-4o-mini', messages, max_tokens: 1 }).length / 4))));
    });

    it('fallback: a connection error or a 5xx before the first byte goes to the next upstream; 502 when none answers', async () => {
      const before = b.received.length;
      const viaB = await client.chat.completions.create({ model: 'gpt-4o', messages });
      assert.equal(viaB.object, 'chat.completion');
      assert.equal(b.received.length, before + 1);
      assert.equal(headersOf(b).authorization, `Bearer ${UPSTREAM_KEY_B}`);

      a.setFailure({ status: 503, count: 1 });
      const viaB2 = await client.chat.completions.create({ model: 'gpt-4.1', messages });
      assert.equal(viaB2.model, 'gpt-4.1');
      assert.equal(b.received.length, before + 2);

      await assert.rejects(client.chat.completions.create({ model: 'o3-mini', messages }), (err: any) => err.status === 502 && err.type === 'server_error');
      // An upstream error with no fallback passes through as it is.
      a.setFailure({ status: 422, body: { error: { message: 'Upstream says no.', type: 'invalid_request_error', param: 'messages', code: 'nope' } }, count: 1 });
      await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: any) => err.status === 422 && err.message.includes('Upstream says no.') && err.param === 'messages');
    });

    it("routes rename the model for the upstream", async () => {
      await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
      assert.equal((a.received.at(-1)!.json as any).model, 'upstream-mini');
    });

    it('a client that disconnects mid-stream aborts the upstream request; its usage is estimated', async () => {
      const p = await projectWithKey(s, 'Disconnect');
      const controller = new AbortController();
      const res = await fetch(`${s.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages, stream: true }),
        signal: controller.signal,
      });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await eventually(async () => slow.aborted === 1, 5000, 'the upstream request to be aborted');
      const totals = await eventually(async () => {
        const t = await usageTotals(s, 'completions', p.projectId);
        return t.num_model_requests === 1 ? t : undefined;
      }, 5000, 'estimated usage');
      assert.ok(totals.input_tokens > 0, 'input counted by the tokenizer');
    });

    it('a client that leaves a non-streamed request: the answer is still read to the end and its usage recorded exactly', async () => {
      const p = await projectWithKey(s, 'Leaver');
      const controller = new AbortController();
      const pending = fetch(`${s.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5-nano', messages }),
        signal: controller.signal,
      }).catch(() => null);
      // The upstream has sent its headers (the body follows 300 ms later): the client leaves.
      await eventually(async () => late.received.length === 1, 5000, 'the request to reach the upstream');
      await sleep(100);
      controller.abort();
      await pending;
      const totals = await eventually(async () => {
        const t = await usageTotals(s, 'completions', p.projectId);
        return t.num_model_requests === 1 ? t : undefined;
      }, 5000, 'the usage of the answer the upstream completed');
      assert.equal(late.aborted, 0);
      assert.equal(totals.input_tokens, late.reported.inputTokens);
      assert.equal(totals.output_tokens, late.reported.outputTokens);
    });

    it('metrics: data-plane requests, refusals, upstream errors and added latency are counted', async () => {
      const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
      assert.ok(value(new RegExp(`orgplane_gateway_requests_total\\{project="${main.projectId}",model="gpt-4o-mini",status="200"\\} (\\d+)`)) >= 1, 'successful requests counted');
      assert.ok(value(/orgplane_gateway_rate_limit_refusals_total\{project="[^"]+",limit="requests"\} (\d+)/) >= 3, 'rate-limit refusals counted');
      assert.ok(value(/orgplane_gateway_upstream_errors_total\{model="o3-mini",reason="connect"\} (\d+)/) >= 1, 'upstream connection errors counted');
      assert.ok(value(/orgplane_gateway_upstream_errors_total\{model="gpt-4.1",reason="status_5xx"\} (\d+)/) >= 1, 'upstream 5xx counted');
      assert.ok(value(/orgplane_gateway_added_latency_seconds_count (\d+)/) >= 1, 'added latency observed');
      assert.ok(value(/orgplane_gateway_upstream_duration_seconds_count\{model="gpt-4o-mini"\} (\d+)/) >= 1, 'upstream duration observed');
      assert.doesNotMatch(text, /sk-proj-|sk-svcacct-/, 'no key in the metrics');
    });

    it('stored responses belong to the project that created them', async () => {
      const other = await projectWithKey(s, 'Other');
      const mine = await client.responses.create({ model: 'gpt-4o-mini', input: 'remember me' });
      assert.equal((await client.responses.retrieve(mine.id)).id, mine.id);
      const items = await client.responses.inputItems.list(mine.id);
      assert.ok(items.data.length > 0);
      const theirs = sdk(s, other.key);
      await assert.rejects(theirs.responses.retrieve(mine.id), OpenAI.NotFoundError);
      await assert.rejects(theirs.responses.inputItems.list(mine.id), OpenAI.NotFoundError);
      await assert.rejects(theirs.responses.delete(mine.id), OpenAI.NotFoundError);
      await assert.rejects(theirs.responses.create({ model: 'gpt-4o-mini', input: 'continue', previous_response_id: mine.id }), (err: any) => err.status === 404 && err.param === 'previous_response_id');
      const next = await client.responses.create({ model: 'gpt-4o-mini', input: 'continue', previous_response_id: mine.id });
      assert.equal(next.previous_response_id, mine.id);
      // A streamed response is remembered too.
      let id = '';
      for await (const event of await client.responses.create({ model: 'gpt-4o-mini', input: 'stream', stream: true })) if (event.type === 'response.created') id = event.response.id;
      await assert.rejects(theirs.responses.retrieve(id), OpenAI.NotFoundError);
      assert.equal((await client.responses.retrieve(id)).id, id);
      await client.responses.delete(mine.id);
      await assert.rejects(client.responses.retrieve(mine.id), OpenAI.NotFoundError);
    });

    it('bad requests are refused before the upstream, in OpenAI\'s shape', async () => {
      const count = a.received.length;
      const post = (body: string, type = 'application/json') => fetch(`${s.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${main.key}`, 'content-type': type }, body });
      for (const body of ['{', '[]', '{"messages":[]}', '{"model":7}']) {
        const res = await post(body);
        assert.equal(res.status, 400, body);
        const json = await res.json();
        assert.equal(typeof json.error.message, 'string');
      }
      const multipart = await fetch(`${s.baseUrl}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${main.key}`, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(multipart.status, 400);
      assert.equal(a.received.length, count);
    });
  });
}

describe('gateway without an upstream', () => {
  const s = new TestServer('sqlite', { routes: null });
  before(() => s.start());
  after(() => s.stop());
  it('answers 503 in OpenAI\'s shape; the admin API works as before', async () => {
    const p = await projectWithKey(s, 'Nowhere');
    await assert.rejects(sdk(s, p.key).chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: any) => err.status === 503 && err.code === 'no_upstream');
    assert.equal((await s.get('/v1/organization/projects')).status, 200);
  });
});
