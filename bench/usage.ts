// Usage and costs benchmark. Builds a usage data set through the ingestion service (and, for
// the comparison, a plain table of the raw records), then starts orgplane as its own process on
// that database and measures, side by side:
// - ingestion through the HTTP batch endpoint (and cheap-request latency meanwhile);
// - the latency of the usage and costs queries, against a naive GROUP BY over the raw records;
// - the latency of cheap requests while heavy usage queries run (the server's stalls).
// The clients run in this process, the server in another, so client work never shows as a stall.
//   npm run bench:usage                                    # full size: 10M records
//   USAGE_RECORDS=1000000 npm run bench:usage              # quicker
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test USAGE_RECORDS=1000000 npm run bench:usage
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { CompiledQuery, sql } from 'kysely';
import { loadCatalog } from '../src/catalog/index.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bootstrapOrganization } from '../src/modules/organization/bootstrap/service.js';
import { demoRecords, seedDemoOrganization, type DemoShape } from '../src/modules/organization/usage/ingestion/demo.js';
import { UsageIngestion } from '../src/modules/organization/usage/ingestion/service.js';
import { systemClock } from '../src/shared/clock.js';
import { contextOf } from '../src/shared/context.js';
import { startProcess, stopProcess, SERVER_ARGS } from './lib.js';

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
const LOAD_BATCH = env('USAGE_LOAD_BATCH', 20_000);
const ITERATIONS = env('BENCH_ITERATIONS', 30);
const PROBE_SECONDS = env('BENCH_PROBE_SECONDS', 10);
const url = process.env.DATABASE_URL ?? 'sqlite:./data/bench-usage.db';
const adminKey = `sk-admin-${randomBytes(32).toString('base64url')}`;

/** Figures go to stdout as soon as they are known. */
const print = (...lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function main() {
  const sqlite = url.startsWith('sqlite:');
  let serverUrl = url;
  let pgSchema: string | undefined;
  if (sqlite) {
    for (const s of ['', '-wal', '-shm']) rmSync(url.slice('sqlite:'.length) + s, { force: true });
  } else {
    pgSchema = 'bench_usage';
    const admin = await openDatabase(url);
    await admin.db.schema.dropSchema(pgSchema).ifExists().cascade().execute();
    await admin.close();
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${pgSchema}`);
    serverUrl = u.toString();
  }
  const database = await openDatabase(url, { pgSchema });
  await migrateToLatest(database);
  const ctx = contextOf(database, systemClock, await loadCatalog());
  await bootstrapOrganization(ctx, { adminKey });
  const org = await seedDemoOrganization(ctx, shape);
  log(`${database.dialect}: ${shape.records} records over ${shape.days} days, ${shape.projects} projects, ${shape.keys} keys, ${org.models.length} models`);

  // 1. Bulk load through the ingestion service; the raw records also go to a plain table, for the naive GROUP BY.
  await sql`create table bench_raw_usage (ts bigint not null, kind text not null, project_id text not null, model text not null, input_tokens bigint not null, output_tokens bigint not null)`.execute(database.db);
  const ingestion = new UsageIngestion(ctx);
  const now = systemClock.now() - 86400; // leave the last day for the HTTP ingestion
  let loaded = 0;
  let loadSeconds = 0;
  for (const batch of demoRecords(org, shape, now, LOAD_BATCH)) {
    const t = performance.now();
    loaded += (await ingestion.ingest(batch)).accepted;
    loadSeconds += (performance.now() - t) / 1000;
    process.stderr.write(`\r  loaded ${loaded} records, ${Math.round(loaded / loadSeconds)} records/s   `);
    const raw = batch.map((r) => [r.timestamp, r.kind, r.project_id, r.model ?? '', r.input_tokens ?? 0, r.output_tokens ?? 0]);
    for (let i = 0; i < raw.length; i += 500) {
      const rows = raw.slice(i, i + 500);
      let n = 0;
      const tuples = rows.map(() => `(${Array.from({ length: 6 }, () => (sqlite ? '?' : `$${++n}`)).join(',')})`).join(',');
      await database.db.executeQuery(CompiledQuery.raw(`insert into bench_raw_usage values ${tuples}`, rows.flat()));
    }
  }
  await sql`create index bench_raw_usage_ts on bench_raw_usage (kind, ts)`.execute(database.db);
  log('');
  print(
    `dialect: ${database.dialect}; records: ${loaded} over ${shape.days} days; ${shape.projects} projects, ${shape.keys} keys, ${org.models.length} models`,
    `bulk load through the ingestion service (batches of ${LOAD_BATCH}, in process): ${Math.round(loaded / loadSeconds)} records/s`,
  );

  // 2. orgplane in its own process on the same database.
  const port = 19000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const server = await startProcess(process.execPath, SERVER_ARGS, {
    PORT: String(port), DATABASE_URL: serverUrl, LOG_LEVEL: 'warn', ORGPLANE_BODY_LIMIT: String(64 * 1024 * 1024),
  }, `${base}/healthz`);
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  try {
    /** GET, retried once when the server had just closed the idle keep-alive connection it was sent on. */
    const get = (path: string, h: Record<string, string>) => fetch(base + path, { headers: h }).catch(() => fetch(base + path, { headers: h }));
    /** Latencies of a cheap request, every 10 ms, until `done` says stop. */
    const probe = async (path: string, withKey: boolean, done: () => boolean) => {
      const times: number[] = [];
      while (!done()) {
        const t = performance.now();
        await (await get(path, withKey ? headers : {})).text();
        times.push(performance.now() - t);
        await sleep(10);
      }
      return times;
    };
    const stats = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p99 ${ms(pct(xs, 99))}, max ${ms(Math.max(...xs))}`;

    // 3. Ingestion through the HTTP batch endpoint (two concurrent clients, bodies prepared beforehand).
    const bodies = [...demoRecords(org, { ...shape, records: HTTP_RECORDS, days: 1, seed: shape.seed + 1 }, systemClock.now(), HTTP_BATCH)].map((records) => JSON.stringify({ records }));
    let sent = 0;
    let ingesting = true;
    const started = performance.now();
    const healthDuringIngest = probe('/healthz', false, () => !ingesting);
    await Promise.all([0, 1].map(async (client) => {
      for (let i = client; i < bodies.length; i += 2) {
        const res = await fetch(`${base}/v1/organization/usage/records`, { method: 'POST', headers, body: bodies[i] });
        const body = (await res.json()) as { accepted: number };
        if (res.status !== 200) throw new Error(`ingestion failed: ${JSON.stringify(body)}`);
        sent += body.accepted;
      }
    }));
    const httpRate = sent / ((performance.now() - started) / 1000);
    ingesting = false;
    print(
      `ingestion through POST /v1/organization/usage/records (${sent} records, batches of ${HTTP_BATCH}, 2 clients): ${Math.round(httpRate)} records/s`,
      `GET /healthz during that ingestion: ${stats(await healthDuringIngest)}`,
    );

    // 4. Query latencies.
    const end = now - (now % 86400) + 86400;
    const queries: Record<string, string> = {
      'completions 30d 1d group_by project_id,model (limit=31)': `/v1/organization/usage/completions?start_time=${end - 30 * 86400}&end_time=${end}&bucket_width=1d&limit=31&group_by[]=project_id&group_by[]=model`,
      'completions 30d 1d group_by project_id,model (default limit, 7 buckets)': `/v1/organization/usage/completions?start_time=${end - 30 * 86400}&end_time=${end}&bucket_width=1d&group_by[]=project_id&group_by[]=model`,
      'completions 7d 1h group_by project_id,model (first page, 24 buckets)': `/v1/organization/usage/completions?start_time=${end - 7 * 86400}&end_time=${end}&bucket_width=1h&group_by[]=project_id&group_by[]=model`,
      'completions 7d 1h group_by project_id,model (limit=168, all 7 days)': `/v1/organization/usage/completions?start_time=${end - 7 * 86400}&end_time=${end}&bucket_width=1h&limit=168&group_by[]=project_id&group_by[]=model`,
      'completions 30d 1d group_by api_key_id (limit=31)': `/v1/organization/usage/completions?start_time=${end - 30 * 86400}&end_time=${end}&bucket_width=1d&limit=31&group_by[]=api_key_id`,
      'costs 30d group_by project_id,line_item (limit=31)': `/v1/organization/costs?start_time=${end - 30 * 86400}&end_time=${end}&limit=31&group_by[]=project_id&group_by[]=line_item`,
      'costs 30d group_by project_id,line_item (default limit, 7 buckets)': `/v1/organization/costs?start_time=${end - 30 * 86400}&end_time=${end}&group_by[]=project_id&group_by[]=line_item`,
    };
    const timed = async (path: string) => {
      const t = performance.now();
      const res = await get(path, headers);
      const text = await res.text();
      const elapsed = performance.now() - t;
      if (res.status !== 200) throw new Error(`${path}: ${text}`);
      return { ms: elapsed, bytes: text.length, results: (JSON.parse(text).data as { results: unknown[] }[]).reduce((n, b) => n + b.results.length, 0) };
    };
    for (const [name, path] of Object.entries(queries)) {
      await timed(path);
      const runs = [];
      for (let i = 0; i < ITERATIONS; i++) runs.push(await timed(path));
      const times = runs.map((r) => r.ms);
      print(`${name}: p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))} (${runs[0].results} results, ${(runs[0].bytes / 1024).toFixed(0)} KiB)`);
    }

    // 5. The first question as a naive GROUP BY over the raw records (indexed on kind, ts).
    const naive = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await sql`select ts - ts % 86400 as day, project_id, model, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, count(*) as n
        from bench_raw_usage where kind = 'completions' and ts >= ${end - 30 * 86400} and ts < ${end} group by 1, 2, 3 order by 1, 2, 3`.execute(database.db);
      naive.push(performance.now() - t);
    }
    print(`naive GROUP BY over the raw records (30d, 1d, project_id, model): median ${ms(pct(naive, 50))}`);

    // 6. Cheap requests while two clients loop over heavy questions.
    const heavy = [
      queries['completions 30d 1d group_by project_id,model (limit=31)'],
      queries['completions 7d 1h group_by project_id,model (limit=168, all 7 days)'],
      queries['costs 30d group_by project_id,line_item (limit=31)'],
    ];
    // The loaders take the bodies as bytes: decoding and parsing megabytes of JSON here would block
    // this process's event loop and show up as the probes' latency, not the server's.
    const fetchBytes = async (path: string) => {
      const res = await get(path, headers);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    };
    let running = true;
    let heavyDone = 0;
    const loaders = [0, 1].map(async (c) => {
      for (let i = c; running; i++, heavyDone++) await fetchBytes(heavy[i % heavy.length]);
    });
    const until = performance.now() + PROBE_SECONDS * 1000;
    const [healthz, projects] = await Promise.all([probe('/healthz', false, () => performance.now() > until), probe('/v1/organization/projects?limit=1', true, () => performance.now() > until)]);
    running = false;
    await Promise.all(loaders);

    print(
      `GET /healthz while 2 clients loop over heavy queries (${heavyDone} done in ${PROBE_SECONDS} s): ${stats(healthz)}`,
      `GET /v1/organization/projects?limit=1 meanwhile: ${stats(projects)}`,
    );
  } finally {
    await stopProcess(server);
    await database.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
