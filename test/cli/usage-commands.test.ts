import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { forEachDialect, type TestServer } from '../helpers/harness.js';
import { assertSpec } from '../helpers/spec.js';

const T = Date.UTC(2025, 11, 30, 9) / 1000;
const DAY_START = T - (T % 86400);

/** Runs an orgplane command on the test server's database. */
function command(s: TestServer, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/orgplane.ts', ...args], {
    env: { ...process.env, DATABASE_URL: s.databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
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
});
