import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ApiError } from '../../src/platform/errors.js';
import { assertError, forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const T = Date.UTC(2025, 11, 31, 10) / 1000;
const PATH = '/v1/organization/usage/records';

const completion = (s: TestServer, id: string, extra: object = {}) => ({
  kind: 'completions', id, timestamp: T, project_id: s.boot.defaultProjectId, model: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, ...extra,
});

async function stored(s: TestServer) {
  const records = await s.ctx.db.selectFrom('usage_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const minutes = await s.ctx.db.selectFrom('usage_1m').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const costs = await s.ctx.db.selectFrom('usage_costs_1d').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return [Number(records.n), Number(minutes.n), Number(costs.n)];
}

async function dayTotal(s: TestServer, query = '') {
  const res = await s.get(`/v1/organization/usage/completions?start_time=${T - (T % 86400)}&limit=1${query}`);
  assert.equal(res.status, 200);
  assertSpec('usage-completions', res.body);
  return res.body.data[0].results[0];
}

forEachDialect('usage ingestion', (server) => {
  it('accepts a batch and counts a retried batch as duplicates', async () => {
    const s = server();
    const records = [completion(s, 'r-1'), completion(s, 'r-2', { input_tokens: 20 }), completion(s, 'r-3', { timestamp: T + 61 })];
    const res = await s.post(PATH, { records });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { object: 'organization.usage.ingestion', accepted: 3, duplicates: 0, unpriced: 0 });
    assert.deepEqual(await stored(s), [3, 2, 2]);
    const retry = await s.post(PATH, { records: [...records, completion(s, 'r-4')] });
    assert.deepEqual(retry.body, { object: 'organization.usage.ingestion', accepted: 1, duplicates: 3, unpriced: 0 });
    const total = await dayTotal(s);
    assert.equal(total.input_tokens, 50);
    assert.equal(total.num_model_requests, 4);
  });

  it('counts each record once when concurrent batches share record IDs', async () => {
    const s = server();
    const day = T - (T % 86400) - 3 * 86400;
    const before = (await stored(s))[0];
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => completion(s, `c-${from + i}`, { timestamp: day + from + i }));
    // Sent at once: on SQLite they reach the writer together and are committed as one group.
    const batches = [range(0, 300), range(200, 500), range(0, 500), range(400, 600)];
    const answers = await Promise.all(batches.map((records) => s.post(PATH, { records })));
    for (const [i, res] of answers.entries()) {
      assert.equal(res.status, 200);
      assert.equal(res.body.accepted + res.body.duplicates, batches[i].length);
    }
    assert.equal(answers.reduce((n, res) => n + res.body.accepted, 0), 600);
    const res = await s.get(`/v1/organization/usage/completions?start_time=${day}&end_time=${day + 86400}`);
    assertSpec('usage-completions', res.body);
    assert.equal(res.body.data[0].results[0].num_model_requests, 600);
    assert.equal(res.body.data[0].results[0].input_tokens, 6000);
    assert.equal((await stored(s))[0], before + 600);
  });

  it('rejects a batch with one bad record, naming it, and stores nothing', async () => {
    const s = server();
    const before = await stored(s);
    const audits = await s.auditCount();
    const good = completion(s, 'ok-1');
    const cases: Array<[object, string]> = [
      [{ ...completion(s, 'b'), input_tokens: 1.5 }, 'records[1].input_tokens'],
      [{ ...completion(s, 'b'), input_tokens: '10' }, 'records[1].input_tokens'],
      [{ ...completion(s, 'b'), input_tokens: -1 }, 'records[1].input_tokens'],
      [{ ...completion(s, 'b'), output_tokens: undefined }, 'records[1].output_tokens'],
      [{ ...completion(s, 'b'), colour: 'red' }, 'records[1].colour'],
      [{ ...completion(s, 'b'), images: 2 }, 'records[1].images'],
      [{ ...completion(s, 'b'), kind: 'telepathy' }, 'records[1].kind'],
      [{ ...completion(s, 'b'), kind: undefined }, 'records[1].kind'],
      [{ ...completion(s, 'b'), id: '' }, 'records[1].id'],
      [{ ...completion(s, 'b'), service_tier: 'gold' }, 'records[1].service_tier'],
      [{ ...completion(s, 'b'), batch: 'yes' }, 'records[1].batch'],
      [{ ...completion(s, 'b'), model: undefined }, 'records[1].model'],
      [{ ...completion(s, 'b'), timestamp: T + 86400 * 365 }, 'records[1].timestamp'],
      [{ ...completion(s, 'b'), input_cached_tokens: 11 }, 'records[1].input_cached_tokens'],
      [{ ...completion(s, 'b'), input_audio_tokens: 8, input_image_tokens: 8 }, 'records[1].input_audio_tokens'],
      [{ ...completion(s, 'b'), output_audio_tokens: 6 }, 'records[1].output_audio_tokens'],
      [{ ...completion(s, 'b'), project_id: 'proj_missing' }, 'records[1].project_id'],
      [{ ...completion(s, 'ok-1') }, 'records[1].id'],
      [{ kind: 'images', id: 'b', timestamp: T, project_id: s.boot.defaultProjectId, model: 'dall-e-3', size: '1x1', source: 'image.edit', images: 1 }, 'records[1].size'],
      [{ kind: 'web_search_calls', id: 'b', timestamp: T, project_id: s.boot.defaultProjectId, model: 'gpt-4o', num_requests: 1 }, 'records[1].context_level'],
      [{ kind: 'vector_stores', id: 'b', timestamp: T, project_id: s.boot.defaultProjectId, usage_bytes: 1, model: 'x' }, 'records[1].model'],
    ];
    for (const [bad, param] of cases) {
      const res = await s.post(PATH, { records: [good, bad] });
      assertError(res, 400, param);
      assert.match(res.body.error.message, /1|records\[1\]/);
    }
    assertError(await s.post(PATH, { records: [] }), 400, 'records');
    assertError(await s.post(PATH, { records: [good], extra: 1 }), 400, 'extra');
    assertError(await s.post(PATH, {}), 400, 'records');
    assertError(await s.request('POST', PATH, { raw: '{"records": [' }), 400);
    assertError(await s.request('POST', PATH, { raw: ' ' }), 400);
    assertError(await s.request('POST', PATH, { raw: '[]' }), 400);
    assertError(await s.request('POST', PATH, { raw: `{"__proto__": {"admin": true}, "records": [${JSON.stringify(good)}]}` }), 400, '__proto__');
    assertError(await s.request('POST', PATH, { raw: `{"records": [1]}` }), 400, 'records[0]');
    assert.deepEqual(await stored(s), before);
    assert.equal(await s.auditCount(), audits);
  });

  it('accepts large batches beyond the default body limit', async () => {
    const s = server();
    const records = Array.from({ length: 3000 }, (_, i) => completion(s, `big-${i}`, { timestamp: T + i, input_tokens: 1, output_tokens: 1 }));
    const res = await s.post(PATH, { records });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    assert.deepEqual(res.body, { object: 'organization.usage.ingestion', accepted: 3000, duplicates: 0, unpriced: 0 });
    const minutes = await s.get(`/v1/organization/usage/completions?start_time=${T}&end_time=${T + 3000}&bucket_width=1m&limit=60`);
    assertSpec('usage-completions', minutes.body);
    assert.equal(minutes.body.data.length, 50);
    assert.ok(minutes.body.data.every((b: any) => b.results[0].num_model_requests >= 60));
  });

  it('validates records given to the service directly, as the import does', async () => {
    const s = server();
    const { ingestion, records } = s.ctx.usage;
    await assert.rejects(records.validate([completion(s, 'x'), { kind: 'embeddings', id: 'y', timestamp: T, project_id: 'p' }]), (err: unknown) =>
      err instanceof ApiError && err.status === 400 && err.param === 'records[1].model');
    const parsed = await records.validate([{ kind: 'moderations', id: 'svc-1', timestamp: T, project_id: s.boot.defaultProjectId, model: 'omni-moderation-latest', input_tokens: 9 }]);
    assert.deepEqual(await ingestion.record(parsed), { object: 'organization.usage.ingestion', accepted: 1, duplicates: 0, unpriced: 0, unpricedModels: [] });
    const res = await s.get(`/v1/organization/usage/moderations?start_time=${T - (T % 86400)}&limit=1`);
    assertSpec('usage-moderations', res.body);
    assert.equal(res.body.data[0].results[0].input_tokens, 9);
  });

  it('answers a repeated question from kept buckets until usage of their day arrives', async () => {
    const s = server();
    const day = T - (T % 86400);
    const speech = (id: string, timestamp: number, characters: number) => ({ kind: 'audio_speeches', id, timestamp, project_id: s.boot.defaultProjectId, model: 'tts-1', characters });
    assert.equal((await s.post(PATH, { records: [speech('sp-1', day - 2 * 86400 + 5, 100), speech('sp-2', day - 86400 + 7200, 200)] })).status, 200);
    const daily = `/v1/organization/usage/audio_speeches?start_time=${day - 2 * 86400}&end_time=${day}&bucket_width=1d&group_by[]=project_id`;
    const hourly = `/v1/organization/usage/audio_speeches?start_time=${day - 86400}&end_time=${day}&bucket_width=1h`;
    const costs = `/v1/organization/costs?start_time=${day - 2 * 86400}&end_time=${day}&group_by[]=line_item`;
    const characters = (body: any) => body.data.map((b: any) => b.results.map((r: any) => r.characters));
    const first = await s.get(daily);
    assertSpec('usage-audio-speeches', first.body);
    assert.deepEqual(characters(first.body), [[100], [200]]);
    assert.deepEqual((await s.get(daily)).body, first.body);
    assert.deepEqual(characters((await s.get(hourly)).body)[2], [200]);
    const costsBefore = (await s.get(costs)).body;
    assertSpec('usage-costs', costsBefore);
    assert.deepEqual(costsBefore.data.map((b: any) => b.results.map((r: any) => r.quantity)), [[100], [200]]);

    // Usage of the second day arrives: its buckets change, the first day's stay as they were.
    assert.equal((await s.post(PATH, { records: [speech('sp-3', day - 86400 + 7300, 50)] })).status, 200);
    assert.deepEqual(characters((await s.get(daily)).body), [[100], [250]]);
    assert.deepEqual(characters((await s.get(hourly)).body)[2], [250]);
    const costsAfter = (await s.get(costs)).body;
    assert.deepEqual(costsAfter.data.map((b: any) => b.results.map((r: any) => r.quantity)), [[100], [250]]);
    assert.deepEqual(costsAfter.data[0], costsBefore.data[0]);
    // Through the service (as the import and the demo generator write), the same.
    await s.ctx.usage.ingestion.record([speech('sp-4', day - 2 * 86400 + 60, 1) as never]);
    assert.deepEqual(characters((await s.get(daily)).body), [[101], [250]]);
  });

  it('requires an admin key', async () => {
    const s = server();
    assertError(await s.post(PATH, { records: [completion(s, 'anon')] }, { key: null }), 401);
  });
});
