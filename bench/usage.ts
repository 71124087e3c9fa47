// Usage and costs benchmark: builds a usage data set through the ingestion service, then
// measures ingestion through the HTTP batch endpoint, the latency of the usage and costs
// queries against a naive GROUP BY over the raw records, and the latency of cheap requests
// while heavy queries run. Sizes come from the environment (see `env` below).
//   npm run bench:usage
//   USAGE_RECORDS=1000000 npm run bench:usage
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:usage
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadCatalog } from '../src/catalog/index.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bootstrapOrganization } from '../src/modules/organization/bootstrap/service.js';
import { demoRecords, seedDemoOrganization, type DemoShape } from '../src/modules/organization/usage/ingestion/demo.js';
import { UsageIngestion } from '../src/modules/organization/usage/ingestion/service.js';
import { systemClock } from '../src/shared/clock.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const shape: DemoShape = {
  records: env('USAGE_RECORDS', 10_000_000),
  days: env('USAGE_DAYS', 30),
  projects: env('USAGE_PROJECTS', 50),
  keys: env('USAGE_KEYS', 500),
  users: env('USAGE_USERS', 200),
  seed: 42,
};
const HTTP_RECORDS = env('USAGE_HTTP_RECORDS', 200_000);
const HTTP_BATCH = env('USAGE_HTTP_BATCH', 5000);
const LOAD_BATCH = env('USAGE_LOAD_BATCH', 50_000);
const ITERATIONS = env('BENCH_ITERATIONS', 30);
const url = process.env.DATABASE_URL ?? 'sqlite:./data/bench-usage.db';

const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  if (url.startsWith('sqlite:')) for (const s of ['', '-wal', '-shm']) rmSync(url.slice('sqlite:'.length) + s, { force: true });
  const pgSchema = url.startsWith('sqlite:') ? undefined : 'bench_usage';
  if (pgSchema) {
    const admin = await openDatabase(url);
    await admin.db.schema.dropSchema(pgSchema).ifExists().cascade().execute();
    await admin.close();
  }
  const database = await openDatabase(url, { pgSchema });
  await migrateToLatest(database);
  const ctx = { db: database.db, dialect: database.dialect, clock: systemClock, catalog: await loadCatalog() };
  const boot = (await bootstrapOrganization(ctx))!;
  const org = await seedDemoOrganization(ctx, shape);
  log(`${database.dialect}: ${shape.records} records over ${shape.days} days, ${shape.projects} projects, ${shape.keys} keys, ${org.models.length} models`);

  // 1. Bulk load through the ingestion service.
  const ingestion = new UsageIngestion(ctx);
  const now = systemClock.now() - 86400; // leave the last day for the HTTP ingestion
  let loaded = 0;
  let started = performance.now();
  for (const batch of demoRecords(org, shape, now, LOAD_BATCH)) {
    loaded += (await ingestion.ingest(batch)).accepted;
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`\r  loaded ${loaded} records, ${Math.round(loaded / seconds)} records/s   `);
  }
  const loadRate = loaded / ((performance.now() - started) / 1000);
  log('');

  // 2. Ingestion through the HTTP batch endpoint (two concurrent clients, bodies prepared beforehand).
  const app = await buildApp({ ctx, bodyLimit: 1024 * 1024 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { authorization: `Bearer ${boot.adminKey}`, 'content-type': 'application/json' };
  const bodies = [...demoRecords(org, { ...shape, records: HTTP_RECORDS, days: 1, seed: shape.seed + 1 }, systemClock.now(), HTTP_BATCH)].map((records) => JSON.stringify({ records }));
  let sent = 0;
  started = performance.now();
  await Promise.all([0, 1].map(async (client) => {
    for (let i = client; i < bodies.length; i += 2) {
      const res = await fetch(`${base}/v1/organization/usage/records`, { method: 'POST', headers, body: bodies[i] });
      const body = (await res.json()) as { accepted: number };
      if (res.status !== 200) throw new Error(`ingestion failed: ${JSON.stringify(body)}`);
      sent += body.accepted;
    }
  }));
  const httpRate = sent / ((performance.now() - started) / 1000);

  // 3. Query latencies.
  const end = now - (now % 86400) + 86400;
  const queries: Record<string, string> = {
    'completions 30d 1d group_by project_id,model': `/v1/organization/usage/completions?start_time=${end - 30 * 86400}&end_time=${end}&bucket_width=1d&limit=31&group_by[]=project_id&group_by[]=model`,
    'completions 7d 1h group_by project_id,model (first page, 24 buckets)': `/v1/organization/usage/completions?start_time=${end - 7 * 86400}&end_time=${end}&bucket_width=1h&group_by[]=project_id&group_by[]=model`,
    'completions 7d 1h group_by project_id,model (limit=168, all 7 days)': `/v1/organization/usage/completions?start_time=${end - 7 * 86400}&end_time=${end}&bucket_width=1h&limit=168&group_by[]=project_id&group_by[]=model`,
    'costs 30d group_by project_id,line_item': `/v1/organization/costs?start_time=${end - 30 * 86400}&end_time=${end}&limit=31&group_by[]=project_id&group_by[]=line_item`,
  };
  const timed = async (path: string) => {
    const t = performance.now();
    const res = await fetch(base + path, { headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${text}`);
    return { ms: performance.now() - t, bytes: text.length, results: (JSON.parse(text).data as { results: unknown[] }[]).reduce((n, b) => n + b.results.length, 0) };
  };
  const latency: Array<[string, number, number, number, number]> = [];
  for (const [name, path] of Object.entries(queries)) {
    await timed(path);
    const runs = [];
    for (let i = 0; i < ITERATIONS; i++) runs.push(await timed(path));
    latency.push([name, pct(runs.map((r) => r.ms), 50), pct(runs.map((r) => r.ms), 99), runs[0].results, runs[0].bytes]);
  }

  // 4. The same first question as a naive GROUP BY over the raw records.
  const field = (name: string, cast = '') => (database.dialect === 'postgres' ? sql.raw(`(record::jsonb->>'${name}')${cast}`) : sql.raw(`json_extract(record, '$.${name}')`));
  const naive = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await sql`select ts - ts % 86400 as day, project_id, ${field('model')} as model, sum(${field('input_tokens', '::bigint')}) as input_tokens, sum(${field('output_tokens', '::bigint')}) as output_tokens
      from usage_records where kind = 'completions' and ts >= ${end - 30 * 86400} and ts < ${end} group by 1, 2, 3`.execute(database.db);
    naive.push(performance.now() - t);
  }

  // 5. Cheap requests while heavy queries run (two clients looping over the questions above, except the 168-bucket page).
  const heavy = [queries['completions 30d 1d group_by project_id,model'], queries['completions 7d 1h group_by project_id,model (first page, 24 buckets)'], queries['costs 30d group_by project_id,line_item']];
  let running = true;
  const loaders = [0, 1].map(async (c) => {
    for (let i = c; running; i++) await timed(heavy[i % heavy.length]);
  });
  const probe = async (path: string, withKey: boolean) => {
    const times: number[] = [];
    const until = performance.now() + 5000;
    while (performance.now() < until) {
      const t = performance.now();
      await (await fetch(base + path, withKey ? { headers } : {})).text();
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
    return times;
  };
  const healthz = await probe('/healthz', false);
  const projects = await probe('/v1/organization/projects?limit=1', true);
  running = false;
  await Promise.all(loaders);

  await app.close();
  await database.close();

  const report = [
    `dialect: ${database.dialect}; records: ${loaded} over ${shape.days} days; ${shape.projects} projects, ${shape.keys} keys, ${org.models.length} models`,
    `bulk load through the ingestion service (batches of ${LOAD_BATCH}): ${Math.round(loadRate)} records/s`,
    `ingestion through POST /v1/organization/usage/records (batches of ${HTTP_BATCH}, 2 clients): ${Math.round(httpRate)} records/s`,
    ...latency.map(([name, p50, p99, results, bytes]) => `${name}: p50 ${ms(p50)}, p99 ${ms(p99)} (${results} results, ${(bytes / 1024).toFixed(0)} KiB)`),
    `naive GROUP BY over raw records (30d, 1d, project_id, model): median ${ms(pct(naive, 50))}`,
    `GET /healthz under load: p50 ${ms(pct(healthz, 50))}, p99 ${ms(pct(healthz, 99))}, max ${ms(Math.max(...healthz))}`,
    `GET /v1/organization/projects under load: p50 ${ms(pct(projects, 50))}, p99 ${ms(pct(projects, 99))}, max ${ms(Math.max(...projects))}`,
  ];
  process.stdout.write(`${report.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
