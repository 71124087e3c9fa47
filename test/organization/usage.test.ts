import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';
import { createProject } from '../helpers/fixtures.js';

const D0 = Date.UTC(2025, 11, 29) / 1000; // the clock stands at 2026-01-01 12:00 UTC
const DAY = 86400;
const HOUR = 3600;

const NULLS = { project_id: null, user_id: null, api_key_id: null, model: null, batch: null, service_tier: null };

async function ingest(s: TestServer, records: object[]) {
  const res = await s.post('/v1/organization/usage/records', { records });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** GETs a usage endpoint and validates the body against the spec (and its bytes: as JSON.stringify writes them, numbers included). */
async function usage(s: TestServer, kind: string, query: string, operationId = `usage-${kind.replace(/_/g, '-')}`) {
  const res = await s.get(`/v1/organization/usage/${kind}?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assertSpec(operationId, res.body);
  assert.equal(res.text, JSON.stringify(res.body));
  return res.body;
}

const bySet = (items: unknown[]) => items.map((i) => JSON.stringify(i)).sort();

const strip = (r: any) => {
  const { object: _o, ...rest } = r;
  return rest;
};

forEachDialect('usage', (server) => {
  let A: string;
  let B: string;

  before(async () => {
    A = await createProject(server(), 'Alpha');
    B = await createProject(server(), 'Beta');
    await ingest(server(), [
      {
        kind: 'completions', id: 'c1', timestamp: D0 + 5 * 60 + 7, project_id: A, user_id: 'user-1', api_key_id: 'key_1', model: 'gpt-4o',
        input_tokens: 1000, output_tokens: 300, input_cached_tokens: 200, input_cache_write_tokens: 50, input_audio_tokens: 100,
        input_cached_audio_tokens: 20, input_image_tokens: 30, input_cached_image_tokens: 10, output_audio_tokens: 40, output_image_tokens: 5,
        num_model_requests: 2, service_tier: 'default',
      },
      { kind: 'completions', id: 'c2', timestamp: D0 + 5 * 60 + 50, project_id: A, user_id: 'user-1', api_key_id: 'key_1', model: 'gpt-4o', input_tokens: 500, output_tokens: 100 },
      { kind: 'completions', id: 'c3', timestamp: D0 + HOUR + 1, project_id: B, user_id: 'user-2', api_key_id: 'key_2', model: 'gpt-4o-mini', input_tokens: 10, output_tokens: 20, batch: true, service_tier: 'flex' },
      { kind: 'completions', id: 'c4', timestamp: D0 + DAY + 2 * HOUR, project_id: A, api_key_id: 'key_1', model: 'gpt-4o-mini', input_tokens: 7, output_tokens: 3 },
      { kind: 'embeddings', id: 'e1', timestamp: D0 + 10, project_id: A, api_key_id: 'key_1', user_id: 'user-1', model: 'text-embedding-3-small', input_tokens: 64 },
      { kind: 'embeddings', id: 'e2', timestamp: D0 + 20, project_id: B, model: 'text-embedding-3-large', input_tokens: 36, num_model_requests: 3 },
      { kind: 'moderations', id: 'm1', timestamp: D0 + 30, project_id: A, model: 'omni-moderation-latest', input_tokens: 16, num_model_requests: 2 },
      { kind: 'images', id: 'i1', timestamp: D0 + 40, project_id: A, model: 'dall-e-3', size: '1024x1024', source: 'image.generation', images: 2 },
      { kind: 'images', id: 'i2', timestamp: D0 + 50, project_id: A, model: 'dall-e-2', size: '512x512', source: 'image.edit', images: 5, num_model_requests: 5 },
      { kind: 'audio_speeches', id: 's1', timestamp: D0 + 60, project_id: B, user_id: 'user-2', model: 'tts-1', characters: 45 },
      { kind: 'audio_transcriptions', id: 't1', timestamp: D0 + 70, project_id: B, model: 'whisper-1', seconds: 20 },
      { kind: 'vector_stores', id: 'v1', timestamp: D0 + 80, project_id: A, usage_bytes: 1024 },
      { kind: 'vector_stores', id: 'v2', timestamp: D0 + 90, project_id: B, usage_bytes: 2048 },
      { kind: 'code_interpreter_sessions', id: 'ci1', timestamp: D0 + 100, project_id: B, num_sessions: 3 },
      { kind: 'file_search_calls', id: 'f1', timestamp: D0 + 110, project_id: A, api_key_id: 'key_1', vector_store_id: 'vs_1', num_requests: 4 },
      { kind: 'file_search_calls', id: 'f2', timestamp: D0 + 120, project_id: A, num_requests: 1 },
      { kind: 'web_search_calls', id: 'w1', timestamp: D0 + 130, project_id: A, model: 'gpt-4o', context_level: 'medium', num_requests: 2, num_model_requests: 1 },
      { kind: 'web_search_calls', id: 'w2', timestamp: D0 + 140, project_id: A, model: 'gpt-4o', context_level: 'high', num_requests: 1 },
    ]);
  });

  it('returns every bucket of the range with the totals of every completions counter', async () => {
    const body = await usage(server(), 'completions', `start_time=${D0}&end_time=${D0 + 3 * DAY}`);
    assert.equal(body.object, 'page');
    assert.equal(body.has_more, false);
    assert.equal(body.next_page, null);
    assert.deepEqual(body.data.map((b: any) => [b.object, b.start_time, b.end_time]), [
      ['bucket', D0, D0 + DAY], ['bucket', D0 + DAY, D0 + 2 * DAY], ['bucket', D0 + 2 * DAY, D0 + 3 * DAY],
    ]);
    assert.deepEqual(body.data[0].results, [{
      object: 'organization.usage.completions.result',
      input_tokens: 1510, input_cached_tokens: 200, input_cache_write_tokens: 50, input_uncached_tokens: 1260, output_tokens: 420,
      input_text_tokens: 1130, output_text_tokens: 375, input_cached_text_tokens: 170, input_audio_tokens: 100, input_cached_audio_tokens: 20,
      output_audio_tokens: 40, input_image_tokens: 30, input_cached_image_tokens: 10, output_image_tokens: 5, num_model_requests: 4, ...NULLS,
    }]);
    assert.equal(body.data[1].results.length, 1);
    assert.equal(body.data[1].results[0].input_tokens, 7);
    assert.equal(body.data[1].results[0].input_text_tokens, 7);
    assert.deepEqual(body.data[2].results, []);
  });

  it('groups by any combination, filling only the grouping fields', async () => {
    const body = await usage(server(), 'completions', `start_time=${D0}&end_time=${D0 + 2 * DAY}&group_by[]=project_id&group_by[]=model`);
    // Group order follows the database's collation; compare as sets.
    const day0 = body.data[0].results.map((r: any) => [r.project_id, r.model, r.input_tokens, r.user_id, r.api_key_id, r.batch, r.service_tier]);
    assert.deepEqual(bySet(day0), bySet([[A, 'gpt-4o', 1500, null, null, null, null], [B, 'gpt-4o-mini', 10, null, null, null, null]]));
    assert.deepEqual(body.data[1].results.map((r: any) => [r.project_id, r.model, r.output_tokens]), [[A, 'gpt-4o-mini', 3]]);

    const byUser = await usage(server(), 'completions', `start_time=${D0}&end_time=${D0 + 2 * DAY}&group_by=user_id&group_by=api_key_id`);
    assert.deepEqual(byUser.data[0].results.map((r: any) => [r.user_id, r.api_key_id, r.num_model_requests, r.project_id, r.model]), [
      ['user-1', 'key_1', 3, null, null], ['user-2', 'key_2', 1, null, null],
    ]);
    // A record without a user is grouped under user_id null.
    assert.deepEqual(byUser.data[1].results.map((r: any) => [r.user_id, r.api_key_id, r.input_tokens]), [[null, 'key_1', 7]]);

    const tiers = await usage(server(), 'completions', `start_time=${D0}&end_time=${D0 + DAY}&group_by=batch&group_by=service_tier`);
    assert.deepEqual(tiers.data[0].results.map((r: any) => [r.batch, r.service_tier, r.input_tokens, r.model]), [
      [false, 'default', 1500, null], [true, 'flex', 10, null],
    ]);
  });

  it('aligns buckets to UTC minutes and hours and pages through them', async () => {
    const minutes = await usage(server(), 'completions', `start_time=${D0 + 5 * 60 + 30}&bucket_width=1m&limit=2&group_by=model`);
    assert.deepEqual(minutes.data.map((b: any) => b.start_time), [D0 + 300, D0 + 360]);
    assert.deepEqual(minutes.data[0].results.map((r: any) => [r.model, r.input_tokens, r.output_tokens, r.num_model_requests]), [['gpt-4o', 1500, 400, 3]]);
    assert.deepEqual(minutes.data[1].results, []);
    assert.equal(minutes.has_more, true);
    assert.match(minutes.next_page, /^page_/);
    const more = await usage(server(), 'completions', `start_time=${D0 + 5 * 60 + 30}&bucket_width=1m&limit=2&group_by=model&page=${encodeURIComponent(minutes.next_page)}`);
    assert.deepEqual(more.data.map((b: any) => b.start_time), [D0 + 420, D0 + 480]);

    const hours = await usage(server(), 'completions', `start_time=${D0 + 1800}&end_time=${D0 + 2 * HOUR}&bucket_width=1h`);
    assert.deepEqual(hours.data.map((b: any) => [b.start_time, b.end_time, b.results.map((r: any) => r.input_tokens)]), [
      [D0, D0 + HOUR, [1500]], [D0 + HOUR, D0 + 2 * HOUR, [10]],
    ]);
    assert.equal(hours.has_more, false);
  });

  it('walks all pages with limit, and uses the clock when end_time is absent', async () => {
    const seen: number[] = [];
    let page: string | null = null;
    let requests = 0;
    do {
      const q: string = `start_time=${D0}&end_time=${D0 + 3 * DAY}&limit=2${page ? `&page=${encodeURIComponent(page)}` : ''}`;
      const body = await usage(server(), 'completions', q);
      seen.push(...body.data.map((b: any) => b.start_time));
      page = body.next_page;
      assert.equal(body.has_more, page !== null);
      requests++;
    } while (page);
    assert.deepEqual(seen, [D0, D0 + DAY, D0 + 2 * DAY]);
    assert.equal(requests, 2);

    // Now is 2026-01-01 12:00: four daily buckets, the last one containing now.
    const open = await usage(server(), 'completions', `start_time=${D0}`);
    assert.deepEqual(open.data.map((b: any) => b.start_time), [D0, D0 + DAY, D0 + 2 * DAY, D0 + 3 * DAY]);
    assert.equal(open.has_more, false);
    const limited = await usage(server(), 'completions', `start_time=${D0}&limit=1`);
    assert.equal(limited.data.length, 1);
    assert.equal(limited.has_more, true);
  });

  it('filters by projects, users, keys, models and batch', async () => {
    const range = `start_time=${D0}&end_time=${D0 + 2 * DAY}`;
    const total = async (q: string) => (await usage(server(), 'completions', `${range}&${q}`)).data.map((b: any) => b.results.map((r: any) => r.input_tokens));
    assert.deepEqual(await total('models=gpt-4o-mini'), [[10], [7]]);
    assert.deepEqual(await total('batch=true'), [[10], []]);
    assert.deepEqual(await total('batch=false'), [[1500], [7]]);
    assert.deepEqual(await total(`project_ids[]=${B}`), [[10], []]);
    assert.deepEqual(await total('user_ids=user-1'), [[1500], []]);
    assert.deepEqual(await total('api_key_ids=key_1&models=gpt-4o-mini'), [[], [7]]);
    assert.deepEqual(await total('project_ids=proj_none'), [[], []]);
  });

  it('serves embeddings, moderations, audio speeches and transcriptions', async () => {
    const range = `start_time=${D0}&end_time=${D0 + DAY}`;
    const emb = await usage(server(), 'embeddings', `${range}&group_by=model`);
    assert.deepEqual(emb.data[0].results, [
      { object: 'organization.usage.embeddings.result', input_tokens: 64, num_model_requests: 1, project_id: null, user_id: null, api_key_id: null, model: 'text-embedding-3-small' },
      { object: 'organization.usage.embeddings.result', input_tokens: 36, num_model_requests: 3, project_id: null, user_id: null, api_key_id: null, model: 'text-embedding-3-large' },
    ].sort((a, b) => a.model.localeCompare(b.model)));
    const mod = await usage(server(), 'moderations', range);
    assert.deepEqual(mod.data[0].results, [{ object: 'organization.usage.moderations.result', input_tokens: 16, num_model_requests: 2, project_id: null, user_id: null, api_key_id: null, model: null }]);
    const speech = await usage(server(), 'audio_speeches', `${range}&group_by=user_id&group_by=project_id`);
    assert.deepEqual(speech.data[0].results, [{ object: 'organization.usage.audio_speeches.result', characters: 45, num_model_requests: 1, project_id: B, user_id: 'user-2', api_key_id: null, model: null }]);
    const tr = await usage(server(), 'audio_transcriptions', `${range}&models=whisper-1`);
    assert.deepEqual(tr.data[0].results.map(strip), [{ seconds: 20, num_model_requests: 1, project_id: null, user_id: null, api_key_id: null, model: null }]);
  });

  it('serves images grouped and filtered by size and source', async () => {
    const range = `start_time=${D0}&end_time=${D0 + DAY}`;
    const all = await usage(server(), 'images', range);
    assert.deepEqual(all.data[0].results, [{ object: 'organization.usage.images.result', images: 7, num_model_requests: 6, size: null, source: null, project_id: null, user_id: null, api_key_id: null, model: null }]);
    const grouped = await usage(server(), 'images', `${range}&group_by=size&group_by=source`);
    assert.deepEqual(grouped.data[0].results.map((r: any) => [r.size, r.source, r.images, r.model]), [['1024x1024', 'image.generation', 2, null], ['512x512', 'image.edit', 5, null]]);
    const filtered = await usage(server(), 'images', `${range}&sources=image.edit&group_by=model`);
    assert.deepEqual(filtered.data[0].results.map((r: any) => [r.model, r.images]), [['dall-e-2', 5]]);
    const sized = await usage(server(), 'images', `${range}&sizes[]=1024x1024`);
    assert.deepEqual(sized.data[0].results.map((r: any) => r.images), [2]);
  });

  it('serves vector stores, code interpreter sessions, file searches and web searches', async () => {
    const range = `start_time=${D0}&end_time=${D0 + DAY}`;
    const vs = await usage(server(), 'vector_stores', `${range}&group_by=project_id`);
    assert.deepEqual(bySet(vs.data[0].results), bySet([
      { object: 'organization.usage.vector_stores.result', usage_bytes: 1024, project_id: A },
      { object: 'organization.usage.vector_stores.result', usage_bytes: 2048, project_id: B },
    ]));
    const ci = await usage(server(), 'code_interpreter_sessions', range);
    assert.deepEqual(ci.data[0].results, [{ object: 'organization.usage.code_interpreter_sessions.result', num_sessions: 3, project_id: null }]);
    const fs = await usage(server(), 'file_search_calls', `${range}&group_by=vector_store_id&group_by=api_key_id`);
    assert.deepEqual(fs.data[0].results.map(strip), [
      { num_requests: 1, project_id: null, user_id: null, api_key_id: null, vector_store_id: null },
      { num_requests: 4, project_id: null, user_id: null, api_key_id: 'key_1', vector_store_id: 'vs_1' },
    ]);
    const fsFiltered = await usage(server(), 'file_search_calls', `${range}&vector_store_ids=vs_1`);
    assert.deepEqual(fsFiltered.data[0].results.map((r: any) => r.num_requests), [4]);
    const ws = await usage(server(), 'web_search_calls', `${range}&group_by=context_level`);
    assert.deepEqual(ws.data[0].results, [
      { object: 'organization.usage.web_searches.result', num_model_requests: 1, num_requests: 1, project_id: null, user_id: null, api_key_id: null, model: null, context_level: 'high' },
      { object: 'organization.usage.web_searches.result', num_model_requests: 1, num_requests: 2, project_id: null, user_id: null, api_key_id: null, model: null, context_level: 'medium' },
    ]);
    const wsFiltered = await usage(server(), 'web_search_calls', `${range}&context_levels=medium&group_by=model`);
    assert.deepEqual(wsFiltered.data[0].results.map((r: any) => [r.model, r.num_requests, r.context_level]), [['gpt-4o', 2, null]]);
  });

  it('answers the same from the per-project projection and the per-key rollup', async () => {
    const range = `start_time=${D0}&end_time=${D0 + 2 * DAY}&bucket_width=1h&limit=48`;
    const coarse = await usage(server(), 'completions', `${range}&group_by=project_id`);
    const fine = await usage(server(), 'completions', `${range}&group_by=project_id&group_by=api_key_id`);
    const sum = (body: any) => body.data.map((b: any) => b.results.reduce((n: number, r: any) => n + r.input_tokens, 0));
    assert.deepEqual(sum(coarse), sum(fine));
    assert.equal(coarse.data.length, 48);
    assert.equal(sum(coarse).reduce((a: number, b: number) => a + b, 0), 1517);
  });

  it('rejects bad parameters with the parameter named', async () => {
    const s = server();
    assertError(await s.get('/v1/organization/usage/completions'), 400, 'start_time');
    assertError(await s.get('/v1/organization/usage/completions?start_time=abc'), 400, 'start_time');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&bucket_width=1w`), 400, 'bucket_width');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&group_by=size`), 400, 'group_by[0]');
    assertError(await s.get(`/v1/organization/usage/vector_stores?start_time=${D0}&group_by=user_id`), 400, 'group_by[0]');
    assertError(await s.get(`/v1/organization/usage/images?start_time=${D0}&sizes=7x7`), 400, 'sizes[0]');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&limit=0`), 400, 'limit');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&limit=32`), 400, 'limit');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&bucket_width=1h&limit=169`), 400, 'limit');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&bucket_width=1m&limit=1441`), 400, 'limit');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&end_time=${D0 - 1}`), 400, 'end_time');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&end_time=${D0}`), 400, 'end_time');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&page=garbage`), 400, 'page');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&batch=maybe`), 400, 'batch');
    // A cursor of another bucket width, or outside the range, is not this query's cursor.
    const hourly = await usage(s, 'completions', `start_time=${D0}&bucket_width=1h&limit=1`);
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}&page=${encodeURIComponent(hourly.next_page)}`), 400, 'page');
    const daily = await usage(s, 'completions', `start_time=${D0}&limit=1`);
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0 + 5 * DAY}&page=${encodeURIComponent(daily.next_page)}`), 400, 'page');
    assertError(await s.get(`/v1/organization/usage/completions?start_time=${D0}`, { key: null }), 401);
  });
});
