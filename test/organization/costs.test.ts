import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { makeCatalog, type ModelCatalog } from '../../src/core/catalog/index.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';
import { createProject } from '../helpers/fixtures.js';

const D0 = Date.UTC(2025, 11, 29) / 1000;
const DAY = 86400;
const GIB = 1024 ** 3;

const prices = (input: number) => makeCatalog([
  { id: 'gpt-4o', kind: 'chat', rate_limits: {}, prices: { input, cached_input: 1.25, output: 10, batch_discount: 0.5 } },
  { id: 'gpt-4o-mini', kind: 'chat', rate_limits: {}, prices: { input: 0.15, output: 0.6, batch_discount: 0.5 } },
  { id: 'dall-e-3', kind: 'image', rate_limits: {}, prices: { per_image: { '1024x1024': 0.04, default: 0.08 } } },
  { id: 'whisper-1', kind: 'audio_transcription', rate_limits: {}, prices: { per_minute: 0.006 } },
  { id: 'tts-1', kind: 'audio_speech', rate_limits: {}, prices: { per_1m_characters: 15 } },
], { code_interpreter_session: 0.03, file_search_per_1k_calls: 2.5, web_search_per_1k_calls: 10, vector_store_per_gb_day: 0.1 });

/** GETs costs and validates the body against the spec (and its bytes: as JSON.stringify writes them, numbers included). */
async function costs(s: TestServer, query: string) {
  const res = await s.get(`/v1/organization/costs?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assertSpec('usage-costs', res.body);
  assert.equal(res.text, JSON.stringify(res.body));
  return res.body;
}

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

forEachDialect('costs', (server) => {
  let A: string;
  let B: string;
  let original: ModelCatalog;

  before(async () => {
    const s = server();
    original = s.ctx.catalog;
    s.ctx.catalog = prices(2.5);
    A = await createProject(s, 'Alpha');
    B = await createProject(s, 'Beta');
    const res = await s.post('/v1/organization/usage/records', { records: [
      { kind: 'completions', id: 'c1', timestamp: D0 + 100, project_id: A, api_key_id: 'key_1', model: 'gpt-4o', input_tokens: 1_200_000, input_cached_tokens: 200_000, output_tokens: 100_000 },
      { kind: 'completions', id: 'c2', timestamp: D0 + 200, project_id: B, api_key_id: 'key_2', model: 'gpt-4o-mini', input_tokens: 2_000_000, output_tokens: 1_000_000, batch: true },
      { kind: 'images', id: 'i1', timestamp: D0 + 300, project_id: A, api_key_id: 'key_1', model: 'dall-e-3', size: '1024x1792', source: 'image.generation', images: 2 },
      { kind: 'audio_transcriptions', id: 't1', timestamp: D0 + 400, project_id: B, model: 'whisper-1', seconds: 120 },
      { kind: 'audio_speeches', id: 's1', timestamp: D0 + 500, project_id: B, model: 'tts-1', characters: 1_000_000 },
      { kind: 'web_search_calls', id: 'w1', timestamp: D0 + DAY + 10, project_id: A, model: 'gpt-4o', context_level: 'low', num_requests: 1000 },
      { kind: 'file_search_calls', id: 'f1', timestamp: D0 + DAY + 20, project_id: A, num_requests: 2000 },
      { kind: 'code_interpreter_sessions', id: 'ci1', timestamp: D0 + DAY + 30, project_id: B, num_sessions: 3 },
      { kind: 'vector_stores', id: 'v1', timestamp: D0 + DAY + 40, project_id: B, usage_bytes: 2 * GIB },
      { kind: 'moderations', id: 'm1', timestamp: D0 + DAY + 50, project_id: B, model: 'omni-moderation-latest', input_tokens: 1000 },
    ] });
    assert.equal(res.status, 200);
  });

  after(() => {
    server().ctx.catalog = original;
  });

  it('totals each day in USD', async () => {
    const body = await costs(server(), `start_time=${D0}&end_time=${D0 + 3 * DAY}`);
    assert.deepEqual(body.data.map((b: any) => [b.object, b.start_time, b.end_time, b.results.length]), [
      ['bucket', D0, D0 + DAY, 1], ['bucket', D0 + DAY, D0 + 2 * DAY, 1], ['bucket', D0 + 2 * DAY, D0 + 3 * DAY, 0],
    ]);
    const [day0] = body.data[0].results;
    assert.deepEqual({ ...day0, amount: { ...day0.amount, value: 0 } }, {
      object: 'organization.costs.result', amount: { value: 0, currency: 'usd' }, line_item: null, project_id: null, api_key_id: null, quantity: null, quantity_unit: null,
    });
    // 2.5 + 0.25 + 1 (gpt-4o) + 0.15 + 0.3 (batch gpt-4o-mini) + 0.16 (images) + 0.012 (whisper) + 15 (tts)
    close(day0.amount.value, 19.372);
    // 10 (web search) + 5 (file search) + 0.09 (sessions) + 0.2 (2 GiB for a day) + 0 (moderation)
    close(body.data[1].results[0].amount.value, 15.29);
  });

  it('groups by line item with quantities and units', async () => {
    const body = await costs(server(), `start_time=${D0}&end_time=${D0 + 2 * DAY}&group_by=line_item`);
    const lines = (i: number) => Object.fromEntries(body.data[i].results.map((r: any) => [r.line_item, [r.amount.value, r.quantity, r.quantity_unit, r.project_id]]));
    assert.deepEqual(lines(0), {
      'gpt-4o, input': [2.5, 1_000_000, 'tokens', null],
      'gpt-4o, cached input': [0.25, 200_000, 'tokens', null],
      'gpt-4o, output': [1, 100_000, 'tokens', null],
      'gpt-4o-mini, batch input': [0.15, 2_000_000, 'tokens', null],
      'gpt-4o-mini, batch output': [0.3, 1_000_000, 'tokens', null],
      'dall-e-3, images': [0.16, 2, 'images', null],
      'whisper-1, transcription': [0.012, 120, 'duration_seconds', null],
      'tts-1, characters': [15, 1_000_000, 'characters', null],
    });
    assert.deepEqual(lines(1), {
      'web search tool calls': [10, 1000, null, null],
      'file search tool calls': [5, 2000, null, null],
      'code interpreter sessions': [0.09, 3, null, null],
      'vector store storage': [0.2, 48, 'gibibyte_hours', null],
      'omni-moderation-latest, input': [0, 1000, 'tokens', null],
    });
  });

  it('groups and filters by project and API key', async () => {
    const range = `start_time=${D0}&end_time=${D0 + DAY}`;
    const byProject = await costs(server(), `${range}&group_by=project_id`);
    const amounts = Object.fromEntries(byProject.data[0].results.map((r: any) => [r.project_id, r.amount.value]));
    close(amounts[A], 3.91);
    close(amounts[B], 15.462);
    assert.ok(byProject.data[0].results.every((r: any) => r.line_item === null && r.quantity === null && r.api_key_id === null));

    const byKey = await costs(server(), `${range}&group_by=api_key_id&group_by=project_id`);
    const keyed = Object.fromEntries(byKey.data[0].results.map((r: any) => [`${r.project_id}/${r.api_key_id}`, r.amount.value]));
    assert.deepEqual(Object.keys(keyed).sort(), [`${A}/key_1`, `${B}/key_2`, `${B}/null`].sort());
    close(keyed[`${B}/null`], 15.012);

    const filtered = await costs(server(), `${range}&api_key_ids=key_2&group_by=line_item`);
    assert.deepEqual(filtered.data[0].results.map((r: any) => r.line_item).sort(), ['gpt-4o-mini, batch input', 'gpt-4o-mini, batch output']);
    const project = await costs(server(), `${range}&project_ids=${A}&group_by=line_item&group_by=project_id`);
    assert.equal(project.data[0].results.length, 4);
    assert.ok(project.data[0].results.every((r: any) => r.project_id === A));
  });

  it('keeps the price in force when the usage was recorded', async () => {
    const s = server();
    s.ctx.catalog = prices(100);
    try {
      const res = await s.post('/v1/organization/usage/records', { records: [
        { kind: 'completions', id: 'late', timestamp: D0 + 2 * DAY + 5, project_id: A, model: 'gpt-4o', input_tokens: 10_000, output_tokens: 0 },
      ] });
      assert.equal(res.status, 200);
    } finally {
      s.ctx.catalog = prices(2.5);
    }
    const body = await costs(s, `start_time=${D0}&end_time=${D0 + 3 * DAY}&group_by=line_item`);
    const input = (i: number) => body.data[i].results.find((r: any) => r.line_item === 'gpt-4o, input');
    assert.equal(input(0).amount.value, 2.5);
    assert.equal(input(2).amount.value, 1);
    assert.equal(input(2).quantity, 10_000);
  });

  it('writes amounts as JavaScript writes them, however small or large', async () => {
    const s = server();
    const day = D0 - 300 * DAY;
    const res = await s.post('/v1/organization/usage/records', { records: [
      // 1 token at $0.15 per million: 1.5e-7 USD (an exponent in JavaScript); 40 billion at $2.5: 100,000 USD.
      { kind: 'completions', id: 'tiny', timestamp: day + 1, project_id: A, api_key_id: 'key_t', model: 'gpt-4o-mini', input_tokens: 1, output_tokens: 0 },
      { kind: 'completions', id: 'huge', timestamp: day + 2, project_id: B, api_key_id: 'key_h', model: 'gpt-4o', input_tokens: 40_000_000_000, output_tokens: 0 },
    ] });
    assert.equal(res.status, 200);
    const body = await costs(s, `start_time=${day}&end_time=${day + DAY}&group_by=project_id&group_by=line_item`);
    assert.deepEqual(body.data[0].results.map((r: any) => [r.project_id, r.amount.value, r.quantity]).sort(), [[A, 1.5e-7, 1], [B, 100000, 40_000_000_000]].sort());
  });

  it('pages through days with limit up to 180', async () => {
    const first = await costs(server(), `start_time=${D0}&limit=2`);
    assert.deepEqual(first.data.map((b: any) => b.start_time), [D0, D0 + DAY]);
    assert.equal(first.has_more, true);
    const rest = await costs(server(), `start_time=${D0}&limit=2&page=${encodeURIComponent(first.next_page)}`);
    assert.deepEqual(rest.data.map((b: any) => b.start_time), [D0 + 2 * DAY, D0 + 3 * DAY]);
    assert.equal(rest.has_more, false);
    assert.equal(rest.next_page, null);
    const wide = await costs(server(), `start_time=${D0 - 170 * DAY}&end_time=${D0 + DAY}&limit=180`);
    assert.equal(wide.data.length, 171);
    assert.equal(wide.data[170].results.length, 1);
  });

  it('rejects bad parameters with the parameter named', async () => {
    const s = server();
    assertError(await s.get('/v1/organization/costs'), 400, 'start_time');
    assertError(await s.get(`/v1/organization/costs?start_time=${D0}&bucket_width=1h`), 400, 'bucket_width');
    assertError(await s.get(`/v1/organization/costs?start_time=${D0}&limit=181`), 400, 'limit');
    assertError(await s.get(`/v1/organization/costs?start_time=${D0}&limit=0`), 400, 'limit');
    assertError(await s.get(`/v1/organization/costs?start_time=${D0}&group_by=model`), 400, 'group_by[0]');
    assertError(await s.get(`/v1/organization/costs?start_time=${D0}&end_time=${D0 - DAY}`), 400, 'end_time');
    assertError(await s.get(`/v1/organization/costs?start_time=${D0}&page=page_AAAA`), 400, 'page');
  });
});
