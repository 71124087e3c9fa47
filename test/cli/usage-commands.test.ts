import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const T = Date.UTC(2025, 11, 30, 9) / 1000;
const DAY_START = T - (T % 86400);

/** Runs an orgplane command on the test server's database. */
function command(s: TestServer, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/orgplane.ts', ...args], {
    env: { ...process.env, DATABASE_URL: s.databaseUrl, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function count(s: TestServer, table: 'usage_records' | 'projects') {
  const row = await s.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

forEachDialect('usage commands', (server) => {
  it('imports a JSONL file through the ingestion service, skipping records already imported', async () => {
    const s = server();
    const project = s.boot.defaultProjectId;
    const file = join(tmpdir(), `orgplane-import-${process.pid}-${s.dialect}.jsonl`);
    const records = [
      { kind: 'completions', id: 'imp-1', timestamp: T, project_id: project, model: 'gpt-4o-mini', input_tokens: 100, output_tokens: 40, input_cached_tokens: 30 },
      { kind: 'completions', id: 'imp-2', timestamp: T + 3600, project_id: project, model: 'gpt-4o-mini', input_tokens: 50, output_tokens: 10, batch: true },
      { kind: 'embeddings', id: 'imp-3', timestamp: T, project_id: project, model: 'text-embedding-3-small', input_tokens: 7 },
    ];
    try {
      writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n\n`);
      const first = command(s, ['usage', 'import', file, '--batch', '2']);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stderr, /3 accepted, 0 duplicates/);
      const again = command(s, ['usage', 'import', file]);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stderr, /0 accepted, 3 duplicates/);

      const res = await s.get(`/v1/organization/usage/completions?start_time=${DAY_START}&end_time=${DAY_START + 86400}&group_by[]=batch`);
      assert.equal(res.status, 200);
      assertSpec('usage-completions', res.body);
      const byBatch = Object.fromEntries(res.body.data[0].results.map((r: any) => [String(r.batch), [r.input_tokens, r.output_tokens, r.input_cached_tokens, r.num_model_requests]]));
      assert.deepEqual(byBatch, { false: [100, 40, 30, 1], true: [50, 10, 0, 1] });
      const embeddings = await s.get(`/v1/organization/usage/embeddings?start_time=${DAY_START}&end_time=${DAY_START + 86400}`);
      assert.equal(embeddings.body.data[0].results[0].input_tokens, 7);

      // A bad line stops the import before anything of its batch is stored, and names the line.
      const stored = await count(s, 'usage_records');
      writeFileSync(file, `${JSON.stringify({ ...records[0], id: 'imp-4' })}\n${JSON.stringify({ ...records[0], id: 'imp-5', model: undefined })}\n`);
      const bad = command(s, ['usage', 'import', file]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /line 2: .*\(model\)/);
      writeFileSync(file, `${JSON.stringify({ ...records[0], id: 'imp-6' })}\n{"kind": \n`);
      const garbled = command(s, ['usage', 'import', file]);
      assert.equal(garbled.status, 1);
      assert.match(garbled.stderr, /line 2: not valid JSON/);
      assert.equal(await count(s, 'usage_records'), stored);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('fills the database with demo usage', async () => {
    const s = server();
    const projects = await count(s, 'projects');
    const records = await count(s, 'usage_records');
    const args = ['usage', 'demo', '--days', '2', '--records', '3000', '--projects', '2', '--users', '3', '--keys', '4', '--seed', '5'];
    // --help describes the command and writes nothing.
    const help = command(s, [...args, '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.equal(await count(s, 'usage_records'), records);
    // The database already holds usage (the import above): refused without --force, nothing written.
    assert.ok(records > 0);
    const refused = command(s, args);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /already holds usage records.*--force/);
    assert.equal(await count(s, 'projects'), projects);
    assert.equal(await count(s, 'usage_records'), records);
    const demo = command(s, [...args, '--force']);
    assert.equal(demo.status, 0, demo.stderr);
    assert.match(demo.stderr, /created 2 projects, 3 users, 4 API keys/);
    const ingested = Number(/(\d+) records ingested \(100%\)/.exec(demo.stderr)?.[1]);
    assert.ok(ingested >= 3000, demo.stderr.slice(-300));
    assert.equal(await count(s, 'projects'), projects + 2);
    assert.equal(await count(s, 'usage_records'), records + ingested);
  });

  it('usage reprice: usage the catalog could not price is priced once the catalog knows its model; audited; a second run changes nothing', async () => {
    const s = server();
    const day = Date.UTC(2025, 11, 20) / 1000;
    const project = s.boot.defaultProjectId;
    const ingested = await s.post('/v1/organization/usage/records', {
      records: [
        { kind: 'completions', id: 'rp-1', timestamp: day + 3600, project_id: project, model: 'acme-llm-1', input_tokens: 1_000_000, output_tokens: 500_000 },
        { kind: 'completions', id: 'rp-2', timestamp: day + 7200, project_id: project, model: 'acme-llm-1', input_tokens: 2_000_000, output_tokens: 0, batch: true },
        { kind: 'embeddings', id: 'rp-3', timestamp: day + 60, project_id: project, model: 'text-embedding-3-small', input_tokens: 1_000_000 },
      ],
    });
    assert.equal(ingested.status, 200, ingested.text);
    assert.equal(ingested.body.unpriced, 2);
    /** The day's costs per line item, from the per-project and the per-key rollups. */
    const costs = async () => {
      const range = `start_time=${day}&end_time=${day + 86400}`;
      const byLine = await s.get(`/v1/organization/costs?${range}&group_by[]=line_item`);
      const byKey = await s.get(`/v1/organization/costs?${range}&group_by[]=api_key_id&group_by[]=line_item`);
      assert.equal(byLine.status, 200);
      assertSpec('usage-costs', byLine.body);
      const lines = (res: typeof byLine) => Object.fromEntries(res.body.data[0].results.map((r: any) => [r.line_item, Math.round(r.amount.value * 1e9) / 1e9]));
      assert.deepEqual(lines(byKey), lines(byLine), 'both rollups agree');
      return lines(byLine);
    };
    const unpriced = { 'acme-llm-1, input': 0, 'acme-llm-1, output': 0, 'acme-llm-1, batch input': 0, 'text-embedding-3-small, input': 0.02 };
    assert.deepEqual(await costs(), unpriced);

    const dir = mkdtempSync(join(tmpdir(), 'orgplane-reprice-'));
    try {
      const catalog = join(dir, 'catalog.json');
      writeFileSync(catalog, JSON.stringify({
        mode: 'extend',
        models: [{ id: 'acme-llm-1', kind: 'chat', rate_limits: { max_requests_per_1_minute: 100, max_tokens_per_1_minute: 100000 }, prices: { input: 2, output: 8, batch_discount: 0.5 } }],
      }));
      const withCatalog = { ORGPLANE_MODEL_CATALOG: catalog };
      const audits = await s.auditCount();

      const dry = command(s, ['usage', 'reprice', '--since', '2025-12-20', '--dry-run'], withCatalog);
      assert.equal(dry.status, 0, dry.stderr);
      assert.match(dry.stdout, /^would re-price 3 cost lines on 1 of the \d+ days with usage since 2025-12-20: \$0 → \$8\n {2}acme-llm-1: \$0 → \$8\n\(dry run: nothing was written\)\n$/);
      assert.deepEqual(await costs(), unpriced);
      assert.equal(await s.auditCount(), audits);

      const first = command(s, ['usage', 'reprice', '--since', '2025-12-20'], withCatalog);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /^re-priced 3 cost lines on 1 of the \d+ days with usage since 2025-12-20: \$0 → \$8\n/);
      // input 1M × $2, output 0.5M × $8, batch input 2M × $2 × 0.5; the embeddings were priced already.
      assert.deepEqual(await costs(), { 'acme-llm-1, input': 2, 'acme-llm-1, output': 4, 'acme-llm-1, batch input': 2, 'text-embedding-3-small, input': 0.02 });
      assert.equal(await s.auditCount(), audits + 1);
      const event = await s.lastAudit();
      assert.equal(event.type, 'organization.updated');
      assert.deepEqual(event['organization.updated'].changes_requested, {
        usage_repriced: { since: '2025-12-20', days: 1, cost_lines: 3, amount_before: 0, amount_after: 8, models: ['acme-llm-1'] },
      });

      const again = command(s, ['usage', 'reprice', '--since', '2025-12-20'], withCatalog);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /^nothing to re-price: the stored costs of the \d+ days with usage since 2025-12-20 match the current model catalog\n$/);
      assert.equal(await s.auditCount(), audits + 1);
      assert.equal((await costs())['acme-llm-1, input'], 2);

      // Prices come from the catalog the command runs with: without the file the model is unknown again.
      const without = command(s, ['usage', 'reprice', '--since', '2025-12-20', '--dry-run']);
      assert.match(without.stdout, /^would re-price 3 cost lines .*: \$8 → \$0\n/);
      // A later day holds none of this usage.
      const later = command(s, ['usage', 'reprice', '--since', '2025-12-21', '--dry-run']);
      assert.doesNotMatch(later.stdout, /acme-llm-1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
