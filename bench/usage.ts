// Usage and costs benchmark. Builds a usage data set through the ingestion service (and, for
// the comparison, a plain table of the raw records), then starts orgplane as its own process on
// that database, twice (with the results cache, and without it), and measures, side by side:
// - ingestion through the HTTP batch endpoint (cheap-request latency and the server's event-loop
//   delay meanwhile);
// - the latency of the usage and costs queries (first request, then repeated), next to a bare
//   node:http server sending the same bytes, and a naive GROUP BY over the raw records;
// - with the results cache, the heaviest queries again while usage keeps arriving;
// - the latency of cheap requests (probed from other processes) and the server's event-loop delay
//   while heavy usage queries run (the server's stalls).
//   npm run bench:usage                                    # full size: 10M records
//   USAGE_RECORDS=1000000 npm run bench:usage              # quicker
//   USAGE_REUSE=1 npm run bench:usage                      # SQLite: measure the data set of the last run again
//   BENCH_SERVERS=cached npm run bench:usage               # only the server with the results cache
//   BENCH_NODE_FLAGS=--max-semi-space-size=64 npm run bench:usage   # Node.js flags for the server process
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test USAGE_RECORDS=1000000 npm run bench:usage
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { loadCatalog } from '../src/core/catalog/index.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { bootstrapOrganization } from '../src/core/bootstrap/service.js';
import { type DemoOrganization, demoRecords, seedDemoOrganization, type DemoShape } from '../src/cli/demo.js';
import { systemClock } from '../src/platform/clock.js';
import { createCore } from '../src/core/index.js';
import { eventLoopDelay, setAutogroupNice, startProbe, startProcess, stopProcess, SERVER_ARGS } from './lib.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const shape: DemoShape = {
  records: env('USAGE_RECORDS', 10_000_000),
  days: env('USAGE_DAYS', 30),
  projects: env('USAGE_PROJECTS', 50),
  keys: env('USAGE_KEYS', 500),
  users: env('USAGE_USERS', 200),
  seed: 42,
};
const HTTP_RECORDS = env('USAGE_HTTP_RECORDS', 500_000);
const HTTP_BATCH = env('USAGE_HTTP_BATCH', 5000);
/** How many times each ingestion pattern is measured. */
const INGEST_ROUNDS = env('USAGE_INGEST_ROUNDS', 3);
/** Records sent before ingestion is measured (not counted). */
const WARM_RECORDS = env('USAGE_WARM_RECORDS', 50_000);
/** Records sent (at most) while the questions are asked again with usage arriving. */
const LIVE_RECORDS = env('USAGE_LIVE_RECORDS', 200_000);
const LOAD_BATCH = env('USAGE_LOAD_BATCH', 20_000);
const ITERATIONS = env('BENCH_ITERATIONS', 30);
const PROBE_SECONDS = env('BENCH_PROBE_SECONDS', 10);
const url = process.env.DATABASE_URL ?? 'sqlite:./data/bench-usage.db';
/** SQLite: with USAGE_REUSE=1, a data set left by an earlier run (same file) is measured again instead of rebuilt. */
const reuse = process.env.USAGE_REUSE === '1' && url.startsWith('sqlite:');
const savedRun = `${url.slice('sqlite:'.length)}.json`;

/** Figures go to stdout as soon as they are known. */
const print = (...lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** Builds the data set: the organization, then the records through the ingestion service (and, for the naive GROUP BY, a plain table of them). */
async function build() {
  const sqlite = url.startsWith('sqlite:');
  if (sqlite) {
    for (const s of ['', '-wal', '-shm']) rmSync(url.slice('sqlite:'.length) + s, { force: true });
  } else {
    const admin = await openDatabase(url);
    await admin.db.schema.dropSchema('bench_usage').ifExists().cascade().execute();
    await admin.close();
  }
  const adminKey = `sk-admin-${randomBytes(32).toString('base64url')}`;
  const database = await openDatabase(url, { pgSchema: sqlite ? undefined : 'bench_usage' });
  await migrateToLatest(database);
  const ctx = createCore({ database, clock: systemClock, catalog: await loadCatalog() });
  await bootstrapOrganization(ctx, { adminKey });
  const org = await seedDemoOrganization(ctx, shape);
  log(`${database.dialect}: ${shape.records} records over ${shape.days} days, ${shape.projects} projects, ${shape.keys} keys, ${org.models.length} models`);
  await sql`create table bench_raw_usage (ts bigint not null, kind text not null, project_id text not null, model text not null, input_tokens bigint not null, output_tokens bigint not null)`.execute(database.db);
  const { ingestion } = ctx.usage;
  const now = systemClock.now() - 86400; // leave the last day for the HTTP ingestion
  let loaded = 0;
  let loadSeconds = 0;
  for (const batch of demoRecords(org, shape, now, LOAD_BATCH)) {
    const t = performance.now();
    loaded += (await ingestion.record(batch)).accepted;
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
  await database.close();
  return { adminKey, org, now, loaded, rate: loaded / loadSeconds };
}

async function main() {
  const sqlite = url.startsWith('sqlite:');
  let serverUrl = url;
  let pgSchema: string | undefined;
  if (!sqlite) {
    pgSchema = 'bench_usage';
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${pgSchema}`);
    serverUrl = u.toString();
  }
  let run: { adminKey: string; org: DemoOrganization; now: number; loaded: number; rate: number };
  if (reuse && existsSync(savedRun)) {
    run = JSON.parse(readFileSync(savedRun, 'utf8'));
    log(`reusing the data set of ${savedRun}`);
  } else {
    run = await build();
    if (sqlite) writeFileSync(savedRun, JSON.stringify(run));
    // Gigabytes were just written: flush them to disk now, so that measurements do not share the
    // disk with that writeback.
    spawnSync('sync');
  }
  const { adminKey, org, now, loaded } = run;
  const database = await openDatabase(url, { pgSchema });
  // A reused data set also holds the records that earlier runs sent through the HTTP endpoint.
  const { stored } = await database.db.selectFrom('usage_records').select((eb) => eb.fn.countAll<number>().as('stored')).executeTakeFirstOrThrow();
  const grown = Number(stored) > loaded ? ` (${Number(stored)} stored: earlier runs added ${Number(stored) - loaded} to the last days)` : '';
  print(
    `dialect: ${database.dialect}; records: ${loaded} over ${shape.days} days${grown}; ${shape.projects} projects, ${shape.keys} keys, ${org.models.length} models`,
    `bulk load through the ingestion service (batches of ${LOAD_BATCH}, in process): ${Math.round(run.rate)} records/s${reuse ? ' (when the data set was built)' : ''}`,
  );

  // 2. orgplane in its own process on the same database.
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
  const heavy = [
    queries['completions 30d 1d group_by project_id,model (limit=31)'],
    queries['completions 7d 1h group_by project_id,model (limit=168, all 7 days)'],
    queries['costs 30d group_by project_id,line_item (limit=31)'],
  ];
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const stats = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p99 ${ms(pct(xs, 99))}, max ${ms(Math.max(...xs))}`;

  for (const cache of [true, false].filter((c) => (process.env.BENCH_SERVERS ?? 'cached,uncached').split(',').includes(c ? 'cached' : 'uncached'))) {
    const port = 19000 + Math.floor(Math.random() * 1000);
    const base = `http://127.0.0.1:${port}`;
    const report = join(tmpdir(), `orgplane-bench-${process.pid}-event-loop.json`);
    const server = await startProcess(process.execPath, [...SERVER_ARGS.slice(0, -1), '--import', './bench/event-loop-monitor.mjs', ...SERVER_ARGS.slice(-1)], {
      PORT: String(port), DATABASE_URL: serverUrl, LOG_LEVEL: 'warn', ORGPLANE_BODY_LIMIT: String(64 * 1024 * 1024), ORGPLANE_USAGE_CACHE_MB: cache ? '256' : '0',
      EVENT_LOOP_REPORT: report,
    }, `${base}/healthz`);
    const loopDelay = async () => {
      const d = await eventLoopDelay(server, report);
      const split = d.worst && d.worst.ms > 0
        ? ` (longest hold-up ${ms(d.worst.ms)}: ran ${ms(d.worst.ran)}, waited for a core ${ms(d.worst.waited)}; most run in one hold-up ${ms(d.maxRan ?? 0)})`
        : '';
      return `server event-loop delay p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)}${split}`;
    };
    /** Sends one batch (a JSON body) to the ingestion endpoint; how many records it accepted. */
    const postRecords = async (body: string) => {
      const res = await fetch(`${base}/v1/organization/usage/records`, { method: 'POST', headers, body });
      const answer = (await res.json()) as { accepted: number };
      if (res.status !== 200) throw new Error(`ingestion failed: ${JSON.stringify(answer)}`);
      return answer.accepted;
    };
    /** A day of records before now (with IDs of their own), in batches. */
    const day = (records: number, seed: number) => [...demoRecords(org, { ...shape, records, days: 1, seed }, systemClock.now(), HTTP_BATCH)];
    try {
      print('', cache ? '## with the results cache (default)' : '## without the results cache (ORGPLANE_USAGE_CACHE_MB=0)');

      // 3. Ingestion through the HTTP batch endpoint (two concurrent clients, bodies prepared
      //    beforehand, records with IDs of their own: a reused data set has not seen them), after a
      //    warm-up that is not measured (the server's first batches compile code and plan the
      //    tuples it has not seen since it started), twice: a day's records replayed (time order,
      //    each batch about 15 minutes of them: rollup rows of many minutes and hours per batch),
      //    then records as a gateway sends them (the last minutes, a second per batch).
      for (const records of day(WARM_RECORDS, shape.seed + 5 + (Date.now() % 1_000_000))) await postRecords(JSON.stringify({ records }));
      // Each pattern is measured INGEST_ROUNDS times (fresh records each time), alternating: this
      // machine's figures vary by 10-25% from run to run.
      const patterns: Array<[string, (seed: number) => string[]]> = [
        ['a day replayed (time order, ~15 minutes per batch)', (seed) => day(HTTP_RECORDS, seed).map((records) => JSON.stringify({ records }))],
        ['records as a gateway sends them (the last minutes, time order)', (seed) => {
          const start = systemClock.now() - Math.ceil(HTTP_RECORDS / 5000);
          return day(HTTP_RECORDS, seed)
            .map((records, b) => JSON.stringify({ records: records.map((r, i) => ({ ...r, timestamp: start + Math.floor((b * HTTP_BATCH + i) / 5000) })) }));
        }],
      ];
      const rates = patterns.map(() => [] as number[]);
      for (let round = 0; round < INGEST_ROUNDS; round++) {
        for (const [p, [pattern, make]] of patterns.entries()) {
          let bodies = make(shape.seed + 10 * round + p + 1 + (Date.now() % 1_000_000));
          let sent = 0;
          const healthDuringIngest = await startProbe(`${base}/healthz`);
          // Meanwhile an administrator makes changes (a new project every 100 ms): transactions of the
          // server's main connection, which must not wait for the batches in a way that stalls it.
          let ingesting = true;
          const adminTimes: number[] = [];
          const admin = (async () => {
            for (let k = 0; ingesting; k++) {
              const t = performance.now();
              const res = await fetch(`${base}/v1/organization/projects`, { method: 'POST', headers, body: JSON.stringify({ name: `Bench ${Date.now()}-${k}` }) });
              await res.arrayBuffer();
              if (res.status !== 200) throw new Error(`project creation failed: ${res.status}`);
              adminTimes.push(performance.now() - t);
              await sleep(100);
            }
          })();
          await loopDelay();
          const started = performance.now();
          await Promise.all([0, 1].map(async (client) => {
            for (let i = client; i < bodies.length; i += 2) {
              // Counted after the await: `sent += await ...` would read `sent` before it, and the two
              // clients would overwrite each other's counts.
              const accepted = await postRecords(bodies[i]);
              sent += accepted;
            }
          }));
          const httpRate = sent / ((performance.now() - started) / 1000);
          rates[p].push(httpRate);
          ingesting = false;
          await admin;
          // Hundreds of megabytes of bodies: dropped now, so that this process's garbage collector has
          // less to do while later phases measure (it shares the two cores with the server).
          bodies = [];
          print(
            `ingestion through POST /v1/organization/usage/records, ${pattern}, run ${round + 1} (${sent} records, batches of ${HTTP_BATCH}, 2 clients): ${Math.round(httpRate)} records/s`,
            `  GET /healthz (another process) meanwhile: ${stats(await healthDuringIngest.stop())}; ${await loopDelay()}`,
            `  POST /v1/organization/projects every 100 ms meanwhile: ${stats(adminTimes)}`,
          );
        }
      }
      for (const [p, [pattern]] of patterns.entries()) {
        print(`ingestion, ${pattern}: median of ${INGEST_ROUNDS} runs ${Math.round(pct(rates[p], 50))} records/s (${rates[p].map(Math.round).join(', ')}; after a warm-up of ${WARM_RECORDS} records)`);
      }

      // 4. Query latencies: the first request (nothing kept yet), then ITERATIONS more; then the same
      //    bytes from a bare node:http server, timed the same way (the cost of moving them at all).
      const agent = new http.Agent({ keepAlive: true });
      /** GETs the whole body (node:http, chunks kept as they come, joined only when asked). */
      const timed = (origin: string, path: string) => new Promise<{ ms: number; body: () => Buffer }>((resolve, reject) => {
        const t = performance.now();
        http.get(origin + path, { headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
            const elapsed = performance.now() - t;
            if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
            else resolve({ ms: elapsed, body: () => Buffer.concat(chunks) });
          });
        }).on('error', reject);
      });
      const bodyFile = join(tmpdir(), `orgplane-bench-${process.pid}-body.json`);
      for (const [name, path] of Object.entries(queries)) {
        const first = await timed(base, path);
        const bytes = first.body();
        const times = [];
        for (let i = 0; i < ITERATIONS; i++) times.push((await timed(base, path)).ms);
        const results = (JSON.parse(bytes.toString()).data as { results: unknown[] }[]).reduce((n, b) => n + b.results.length, 0);
        writeFileSync(bodyFile, bytes);
        const barePort = port + 1000;
        const bare = await startProcess(process.execPath, ['bench/bare-server.mjs'], { PORT: String(barePort), BARE_BODY_FILE: bodyFile }, `http://127.0.0.1:${barePort}/`);
        const bareTimes = [];
        try {
          await timed(`http://127.0.0.1:${barePort}`, path);
          for (let i = 0; i < ITERATIONS; i++) bareTimes.push((await timed(`http://127.0.0.1:${barePort}`, path)).ms);
        } finally {
          await stopProcess(bare);
        }
        print(`${name}: p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))}; first ${ms(first.ms)} | bare node:http, same ${(bytes.length / 1024).toFixed(0)} KiB: p50 ${ms(pct(bareTimes, 50))} (${results} results)`);
      }
      rmSync(bodyFile, { force: true });

      // 5. With the results cache: the heaviest questions again while usage keeps arriving (a batch of
      //    1,000 records of the last five minutes every 100 ms, as a busy gateway would send): every
      //    batch makes the kept results of today stale, so today's buckets are computed again.
      if (cache) {
        const recent = systemClock.now() - 300;
        const live = [...demoRecords(org, { ...shape, records: LIVE_RECORDS, days: 1, seed: shape.seed + 2 + (Date.now() % 1_000_000) }, systemClock.now(), 1000)]
          .map((records) => JSON.stringify({ records: records.map((r, i) => ({ ...r, timestamp: recent + (i % 300) })) }));
        let arriving = true;
        let arrived = 0;
        const ingest = (async () => {
          for (let i = 0; arriving && i < live.length; i++) {
            const t = performance.now();
            const accepted = await postRecords(live[i]);
            arrived += accepted;
            await sleep(Math.max(0, 100 - (performance.now() - t)));
          }
        })();
        for (const path of heavy) {
          const times = [];
          for (let i = 0; i < 2 * ITERATIONS; i++) times.push((await timed(base, path)).ms);
          const name = Object.keys(queries).find((k) => queries[k] === path)!;
          print(`${name} while usage arrives: p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))}`);
        }
        arriving = false;
        await ingest;
        live.length = 0;
        print(`(${arrived} records arrived meanwhile)`);
      }

      // 6. Cheap requests (probed from other processes) while two clients loop over heavy questions.
      //    The loaders read the bodies and drop them (node:http, no buffering), so that they take little CPU.
      const drain = (path: string) => new Promise<void>((resolve, reject) => {
        http.get(base + path, { headers, agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
          res.on('end', resolve).on('error', reject).resume();
        }).on('error', reject);
      });
      // Twice: the load generator at the same priority as the server (it then takes cores the server
      // would use: on this 2-core machine the two share them), then with its autogroup at nice 10
      // (as if the clients ran on other machines: the server and the probes get a core first).
      for (const nice of [0, 10]) {
        let running = true;
        let heavyDone = 0;
        const probes = await Promise.all([startProbe(`${base}/healthz`), startProbe(`${base}/v1/organization/projects?limit=1`, headers.authorization)]);
        await loopDelay();
        const applied = nice === 0 || setAutogroupNice(nice);
        const loaders = [0, 1].map(async (c) => {
          for (let i = c; running; i++, heavyDone++) await drain(heavy[i % heavy.length]);
        });
        await sleep(PROBE_SECONDS * 1000);
        const [healthz, projects] = await Promise.all(probes.map((p) => p.stop()));
        running = false;
        await Promise.all(loaders);
        setAutogroupNice(0);
        print(
          `GET /healthz while 2 clients loop over heavy queries, load generator at nice ${applied ? nice : `0 (nice ${nice} not permitted)`} (${heavyDone} done in ${PROBE_SECONDS} s): ${stats(healthz)}`,
          `GET /v1/organization/projects?limit=1 meanwhile: ${stats(projects)}`,
          `meanwhile, ${await loopDelay()}`,
        );
      }
      agent.destroy();
    } finally {
      await stopProcess(server);
    }
  }

  // 7. The first question as a naive GROUP BY over the raw records (indexed on kind, ts).
  const naive = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await sql`select ts - ts % 86400 as day, project_id, model, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, count(*) as n
      from bench_raw_usage where kind = 'completions' and ts >= ${end - 30 * 86400} and ts < ${end} group by 1, 2, 3 order by 1, 2, 3`.execute(database.db);
    naive.push(performance.now() - t);
  }
  print('', `naive GROUP BY over the raw records (30d, 1d, project_id, model): median ${ms(pct(naive, 50))}`);
  await database.close();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
