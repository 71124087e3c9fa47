import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildAdminApp } from '../../src/admin/app.js';
import { forEachDialect, type TestServer } from '../helpers/harness.js';
import { parseMetrics, valueOf } from '../helpers/metrics.js';

const T = Date.UTC(2026, 0, 1, 11, 0, 0) / 1000;

async function scrape(s: TestServer, base = s.baseUrl, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/metrics`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

forEachDialect('metrics', (server) => {
  it('counts HTTP requests by route template, method and status, with a latency histogram', async () => {
    const s = server();
    const project = (await s.post('/v1/organization/projects', { name: 'Metered' })).body.id;
    const route = { route: '/v1/organization/projects/:project_id', method: 'GET' };
    const before = await scrape(s);
    const okBefore = valueOf(before, 'orgplane_http_requests_total', { ...route, status: '200' });
    const missingBefore = valueOf(before, 'orgplane_http_requests_total', { ...route, status: '404' });
    assert.equal((await s.get(`/v1/organization/projects/${project}`)).status, 200);
    assert.equal((await s.get(`/v1/organization/projects/${project}`)).status, 200);
    assert.equal((await s.get('/v1/organization/projects/proj_nope')).status, 404);
    assert.equal((await s.get('/no/such/path/x1')).status, 404);
    const after = await scrape(s);
    assert.equal(valueOf(after, 'orgplane_http_requests_total', { ...route, status: '200' }), okBefore + 2);
    assert.equal(valueOf(after, 'orgplane_http_requests_total', { ...route, status: '404' }), missingBefore + 1);
    assert.ok(valueOf(after, 'orgplane_http_request_duration_seconds_count', { ...route, status: '200' }) >= okBefore + 2);
    assert.ok(valueOf(after, 'orgplane_http_request_duration_seconds_bucket', { ...route, status: '200', le: '+Inf' }) >= 2);
    // Label values stay bounded: no raw path, no object ID, no key appears in any label.
    for (const sample of after) {
      for (const value of Object.values(sample.labels)) {
        assert.ok(!value.includes(project) && !value.includes('proj_nope') && !value.includes('x1') && !value.includes('sk-'), `${sample.name} ${value}`);
      }
    }
    assert.ok(valueOf(after, 'orgplane_http_requests_total', { route: 'unmatched', status: '404' }) >= 1);
  });

  it('counts ingested batches, records, duplicates and unpriced records, and the ingestion lag', async () => {
    const s = server();
    s.clock.set(T + 90);
    const project = s.boot.defaultProjectId;
    const rec = (id: string, model: string) => ({ kind: 'completions', id, timestamp: T, project_id: project, model, input_tokens: 10, output_tokens: 5 });
    const before = await scrape(s);
    const first = await s.post('/v1/organization/usage/records', { records: [rec('m-1', 'gpt-4o-mini'), rec('m-2', 'no-such-model-x'), rec('m-3', 'no-such-model-x')] });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { object: 'organization.usage.ingestion', accepted: 3, duplicates: 0, unpriced: 2 });
    const retry = await s.post('/v1/organization/usage/records', { records: [rec('m-1', 'gpt-4o-mini'), rec('m-4', 'gpt-4o-mini')] });
    assert.deepEqual(retry.body, { object: 'organization.usage.ingestion', accepted: 1, duplicates: 1, unpriced: 0 });
    const bad = await s.post('/v1/organization/usage/records', { records: [{ ...rec('m-5', 'gpt-4o-mini'), project_id: 'proj_nope' }] });
    assert.equal(bad.status, 400);
    const after = await scrape(s);
    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('orgplane_usage_ingest_batches_total', { outcome: 'stored' }), 2);
    assert.equal(delta('orgplane_usage_ingest_batches_total', { outcome: 'rejected' }), 1);
    assert.equal(delta('orgplane_usage_ingest_records_total', { result: 'accepted' }), 4);
    assert.equal(delta('orgplane_usage_ingest_records_total', { result: 'duplicate' }), 1);
    assert.equal(delta('orgplane_usage_ingest_unpriced_records_total'), 2);
    assert.equal(delta('orgplane_usage_ingest_lag_seconds_count'), 2);
    // Both batches' newest record was 90 s old: in the 300 s bucket, not the 60 s one.
    assert.equal(delta('orgplane_usage_ingest_lag_seconds_bucket', { le: '60' }), 0);
    assert.equal(delta('orgplane_usage_ingest_lag_seconds_bucket', { le: '300' }), 2);
  });

  it('exports the database, data-plane and process metric names', async () => {
    const s = server();
    const res = await fetch(`${s.baseUrl}/metrics`);
    const text = await res.text();
    for (const name of [
      'orgplane_gateway_requests_total', 'orgplane_gateway_upstream_duration_seconds', 'orgplane_gateway_upstream_errors_total',
      'orgplane_gateway_added_latency_seconds', 'orgplane_gateway_rate_limit_refusals_total', 'orgplane_gateway_spend_limit_refusals_total',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    const samples = parseMetrics(text);
    if (s.dialect === 'sqlite') {
      assert.ok(samples.some((x) => x.name === 'orgplane_db_writer_queue_depth'), 'writer queue depth');
    } else {
      const total = valueOf(samples, 'orgplane_db_pool_connections', { state: 'total' });
      assert.ok(total >= 1 && total <= 10, `pool total ${total}`);
      assert.ok(samples.some((x) => x.name === 'orgplane_db_pool_connections' && x.labels.state === 'waiting'));
    }
  });

  it('restricts /metrics to a bearer token when one is configured', async () => {
    const s = server();
    const app = await buildAdminApp(s.ctx, { metricsToken: 'scrape-token-123' });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: 'Bearer scrape-token-1234' }, { authorization: 'scrape-token-123' }]) {
        const res = await fetch(`${base}/metrics`, { headers });
        assert.equal(res.status, 401, JSON.stringify(headers));
        const body = await res.json();
        assert.equal(body.error.code, 'invalid_metrics_token');
        assert.equal(body.error.type, 'invalid_request_error');
      }
      const samples = await scrape(s, base, { authorization: 'Bearer scrape-token-123' });
      assert.ok(samples.some((x) => x.name === 'orgplane_http_requests_total'));
    } finally {
      await app.close();
    }
  });
});
