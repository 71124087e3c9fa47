/**
 * Gateway benchmark: non-streaming chat completions against the mock upstream (a) directly,
 * (b) through orgplane's gateway with everything on (SQLite, a project key, generous rate limits,
 * usage recording, default logging), (c) through nginx `proxy_pass` with one worker, (d) through
 * Portkey's open-source gateway (installed from npm into a temporary directory, not a project
 * dependency). For each: added latency over (a) at a constant request rate (open loop), maximum
 * throughput (closed loop, autocannon), CPU time per request of the proxy's processes
 * (/proc/<pid>/stat), and streaming time-to-first-byte. Then checks that orgplane's usage
 * endpoints count exactly the tokens the mock reported for (b)'s traffic.
 *
 *   npm run bench:gateway
 *   BENCH_RATE=1000 BENCH_SECONDS=10 BENCH_MAX_SECONDS=10 BENCH_CONNECTIONS=32 BENCH_STREAMS=200 npm run bench:gateway
 *   BENCH_PEERS=0 BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:gateway   # orgplane only, profiled
 *
 * Everything listens on and talks to 127.0.0.1 only; every process started here is stopped at the end.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVER_ARGS, startProcess } from './lib.js';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 200);
const STREAM_RATE = 50;
const CHUNK_DELAY_MS = 2;
const PORTKEY_VERSION = process.env.BENCH_PORTKEY_VERSION ?? '1.15.2';
/** BENCH_PEERS=0: orgplane and the direct runs only (quicker, e.g. with BENCH_NODE_FLAGS=--cpu-prof). */
const PEERS = process.env.BENCH_PEERS !== '0';
const MODEL = 'gpt-4o-mini';

const dir = mkdtempSync(join(tmpdir(), 'orgplane-gateway-bench-'));
const basePort = 20000 + Math.floor(Math.random() * 5000) * 2;
const ports = { mock: basePort, orgplane: basePort + 1, nginx: basePort + 2, portkey: basePort + 3 };
const started: ChildProcess[] = [];

const chatBody = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Write one sentence about proxies and gateways.' }] });
const streamBody = JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'Stream one sentence about proxies and gateways.' }] });

interface Target {
  name: string;
  /** Base URL including /v1. */
  url: string;
  headers: Record<string, string>;
  /** The processes whose CPU time counts as the proxy's (with their descendants). */
  pids: number[];
}

// ---- processes -----------------------------------------------------------------------------------

/**
 * Every process here (servers, proxies, load generator) runs in a session of its own, so Linux's
 * scheduler (autogroup) shares the cores between them as between programs; each session gets the
 * same nice value (BENCH_AUTOGROUP_NICE, default -10) so that other work on the machine disturbs the
 * measurement less. None of them favours one target over another.
 */
const AUTOGROUP_NICE = Number(process.env.BENCH_AUTOGROUP_NICE ?? -10);
let niceApplied = true;
function track(child: ChildProcess): ChildProcess {
  started.push(child);
  try {
    writeFileSync(`/proc/${child.pid}/autogroup`, String(AUTOGROUP_NICE));
  } catch {
    niceApplied = false;
  }
  return child;
}
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function waitReady(url: string, init: RequestInit, what: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode})`);
    try {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

/** Clock ticks of user + system CPU of these processes and all their descendants. */
function cpuTicks(pids: number[]): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is state (field 3): ppid is field 4, utime 14, stime 15
      stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      /* gone */
    }
  }
  const tree = new Set(pids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of stats) if (!tree.has(pid) && tree.has(s.ppid)) tree.add(pid), (grew = true);
  }
  let ticks = 0;
  for (const pid of tree) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks;
}
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);

interface RateResult {
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  errors: number;
  latency: { p50: number; p99: number; max: number };
  firstByte: { p50: number; p99: number; max: number };
  late: { p50: number; p99: number; max: number };
}
interface MaxResult {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number };
}

/** Runs one load job in its own process (bench/gateway-load.mjs) and returns its result and the proxy's CPU ms per request. */
async function runLoad<T extends { requests: number }>(target: Target, job: Record<string, unknown>): Promise<T & { cpuMsPerRequest: number }> {
  const child = track(spawn(process.execPath, ['bench/gateway-load.mjs', JSON.stringify({ ...job, url: `${target.url}/chat/completions`, headers: target.headers })], { stdio: ['ignore', 'pipe', 'inherit'], detached: true }));
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  const before = cpuTicks(target.pids);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const after = cpuTicks(target.pids);
  if (code !== 0) throw new Error(`load generator failed for ${target.name} (${code})`);
  const result = JSON.parse(out) as T;
  return { ...result, cpuMsPerRequest: ((after - before) * TICK_MS) / Math.max(1, result.requests) };
}

const okCount = (r: RateResult) => r.statuses['200'] ?? 0;

// ---- the four targets ----------------------------------------------------------------------------

async function startMock(): Promise<Target> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', 'src/cli/mock-upstream.ts', '--port', String(ports.mock), '--stream-chunk-delay-ms', String(CHUNK_DELAY_MS)], { stdio: ['ignore', 'ignore', 'inherit'], detached: true }));
  await waitReady(`http://127.0.0.1:${ports.mock}/v1/models`, {}, 'mock upstream', child);
  return { name: '(a) direct to the mock', url: `http://127.0.0.1:${ports.mock}/v1`, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-mock' }, pids: [child.pid!] };
}

async function mockStats(): Promise<{ requests: number; reported: { responses: number; inputTokens: number; outputTokens: number } }> {
  return (await fetch(`http://127.0.0.1:${ports.mock}/mock/stats`)).json();
}

type Stats = Awaited<ReturnType<typeof mockStats>>;
function delta(before: Stats, after: Stats): Stats['reported'] {
  return {
    responses: after.reported.responses - before.reported.responses,
    inputTokens: after.reported.inputTokens - before.reported.inputTokens,
    outputTokens: after.reported.outputTokens - before.reported.outputTokens,
  };
}

async function startNginx(): Promise<Target | string> {
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (!nginx) return 'nginx is not installed (apt-get install -y nginx)';
  const root = join(dir, 'nginx');
  mkdirSync(join(root, 'logs'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  writeFileSync(
    join(root, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${root}/nginx.pid;
error_log ${root}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${root}/tmp/body;
  proxy_temp_path ${root}/tmp/proxy;
  fastcgi_temp_path ${root}/tmp/fastcgi;
  uwsgi_temp_path ${root}/tmp/uwsgi;
  scgi_temp_path ${root}/tmp/scgi;
  upstream mock { server 127.0.0.1:${ports.mock}; keepalive 64; }
  server {
    listen 127.0.0.1:${ports.nginx};
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  const child = track(spawn(nginx, ['-p', root, '-c', join(root, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'], detached: true }));
  await waitReady(`http://127.0.0.1:${ports.nginx}/v1/models`, {}, 'nginx', child);
  return { name: '(c) nginx proxy_pass, 1 worker', url: `http://127.0.0.1:${ports.nginx}/v1`, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-mock' }, pids: [child.pid!] };
}

/** Makes Portkey listen on loopback only and refuses any connection it would open elsewhere. */
const LOOPBACK_GUARD = `import net from 'node:net';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  else if (typeof args[0] === 'object' && args[0] !== null && args[0].host === undefined && args[0].path === undefined) args[0] = { ...args[0], host: '127.0.0.1' };
  return listen.apply(this, args);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  if (o.path === undefined && typeof o.host === 'string' && !LOOPBACK.has(o.host)) {
    process.stderr.write('loopback guard: refused a connection to ' + o.host + '\\n');
    throw new Error('connection to ' + o.host + ' refused: loopback only');
  }
  return connect.apply(this, args);
};
`;

let portkeyLog: string | undefined;

/** What Portkey wrote on stderr, summarized: refused connections and distinct error lines. */
function portkeyErrors(): string[] {
  if (!portkeyLog || !existsSync(portkeyLog)) return [];
  const lines = readFileSync(portkeyLog, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('    at '));
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, n]) => `${n} × ${line}`);
}

async function startPortkey(): Promise<Target | string> {
  const root = join(dir, 'portkey');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"private":true}');
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `@portkey-ai/gateway@${PORTKEY_VERSION}`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    return `npm install @portkey-ai/gateway failed: ${(err as Error).message}`;
  }
  writeFileSync(join(root, 'loopback-guard.mjs'), LOOPBACK_GUARD);
  const entry = join(root, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  portkeyLog = join(root, 'portkey.log');
  // A clean environment: no REDIS_URL or other settings of this shell reach it.
  const child = track(
    spawn(process.execPath, ['--import', join(root, 'loopback-guard.mjs'), entry, `--port=${ports.portkey}`, '--headless'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: root, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', openSync(portkeyLog, 'w')],
      detached: true,
    }),
  );
  const headers = {
    'content-type': 'application/json',
    authorization: 'Bearer sk-mock',
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `http://127.0.0.1:${ports.mock}/v1`,
  };
  await waitReady(`http://127.0.0.1:${ports.portkey}/v1/chat/completions`, { method: 'POST', headers, body: chatBody }, `Portkey gateway ${PORTKEY_VERSION}`, child);
  return { name: `(d) Portkey gateway ${PORTKEY_VERSION}`, url: `http://127.0.0.1:${ports.portkey}/v1`, headers, pids: [child.pid!] };
}

interface Orgplane {
  target: Target;
  admin: Record<string, string>;
  projectId: string;
  base: string;
}

async function startOrgplane(): Promise<Orgplane | string> {
  if (!existsSync('src/gateway')) return 'skipped: the gateway (issue 15) is not on this branch yet';
  const adminKey = `sk-admin-${randomBytes(32).toString('base64url')}`;
  const base = `http://127.0.0.1:${ports.orgplane}`;
  // Generous limits: a project's limits cannot exceed the catalog's, so the catalog (a copy of the
  // built-in one) raises the benchmarked model's to 10^9; every limit is still checked per request.
  const catalog = JSON.parse(readFileSync('src/core/catalog/default-catalog.json', 'utf8'));
  const entry = catalog.models.find((m: { id: string }) => m.id === MODEL);
  for (const field of Object.keys(entry.rate_limits)) entry.rate_limits[field] = 1_000_000_000;
  const catalogPath = join(dir, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(catalog));
  const child = await startProcess(
    process.execPath,
    SERVER_ARGS,
    {
      PORT: String(ports.orgplane),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'orgplane.db')}`,
      ORGPLANE_ADMIN_KEY: adminKey,
      ORGPLANE_UPSTREAM_URL: `http://127.0.0.1:${ports.mock}/v1`,
      ORGPLANE_UPSTREAM_API_KEY: 'sk-mock',
      ORGPLANE_MODEL_CATALOG: catalogPath,
      REDIS_URL: '',
    },
    `${base}/healthz`,
  );
  track(child);
  const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const project = await call('POST', '/v1/organization/projects', { name: 'Gateway bench' });
  const owner = (await call('GET', '/v1/organization/users?limit=100')).data.find((u: any) => u.role === 'owner');
  await call('POST', `/v1/organization/projects/${project.id}/users`, { user_id: owner.id, role: 'owner' });
  const key = await call('POST', `/v1/organization/projects/${project.id}/api_keys`, { name: 'bench', user_id: owner.id });
  const limits = await call('GET', `/v1/organization/projects/${project.id}/rate_limits?limit=100`);
  const limit = limits.data.find((l: { model: string }) => l.model === MODEL);
  console.log(`(b) project ${project.id}, user-owned project key; rate limit for ${MODEL}: ${JSON.stringify(limit)}`);
  const target: Target = { name: '(b) orgplane gateway (SQLite, everything on)', url: `${base}/v1`, headers: { 'content-type': 'application/json', authorization: `Bearer ${key.value}` }, pids: [child.pid!] };
  await waitReady(`${target.url}/chat/completions`, { method: 'POST', headers: target.headers, body: chatBody }, 'orgplane gateway', child);
  return { target, admin, projectId: project.id, base };
}

/** The usage endpoint's totals for the project since `start` (all pages). */
async function usageTotals(o: Orgplane, start: number): Promise<{ input: number; output: number; requests: number }> {
  const totals = { input: 0, output: 0, requests: 0 };
  let page: string | undefined;
  do {
    const url = `${o.base}/v1/organization/usage/completions?start_time=${start}&bucket_width=1d&limit=31&project_ids[]=${o.projectId}${page ? `&page=${page}` : ''}`;
    const res = (await (await fetch(url, { headers: o.admin })).json()) as any;
    for (const bucket of res.data) {
      for (const r of bucket.results) {
        totals.input += r.input_tokens;
        totals.output += r.output_tokens;
        totals.requests += r.num_model_requests;
      }
    }
    page = res.has_more ? res.next_page : undefined;
  } while (page);
  return totals;
}

// ---- the run ---------------------------------------------------------------------------------------

interface Row {
  target: Target;
  rate?: RateResult & { cpuMsPerRequest: number };
  max?: MaxResult & { cpuMsPerRequest: number };
  ttfb?: RateResult & { cpuMsPerRequest: number };
}

const ms = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const signed = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : `${n >= 0 ? '+' : ''}${n.toFixed(2)}`);

async function measure(row: Row): Promise<void> {
  const t = row.target;
  process.stderr.write(`${t.name}: warm-up, ${RATE}/s for ${SECONDS}s, max throughput for ${MAX_SECONDS}s, ${STREAMS} streams\n`);
  await runLoad<RateResult>(t, { mode: 'rate', body: chatBody, rate: RATE, seconds: WARMUP_SECONDS });
  row.rate = await runLoad<RateResult>(t, { mode: 'rate', body: chatBody, rate: RATE, seconds: SECONDS });
  await sleep(500);
  row.max = await runLoad<MaxResult>(t, { mode: 'max', body: chatBody, seconds: MAX_SECONDS, connections: CONNECTIONS });
  await sleep(500);
  await runLoad<RateResult>(t, { mode: 'ttfb', body: streamBody, rate: STREAM_RATE, count: Math.min(STREAMS, 50) });
  row.ttfb = await runLoad<RateResult>(t, { mode: 'ttfb', body: streamBody, rate: STREAM_RATE, count: STREAMS });
  await sleep(500);
}

async function main(): Promise<void> {
  console.log(`# Gateway benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`load generator: bench/gateway-load.mjs, its own process per phase`);
  console.log(`fixed rate: open loop (node:http, keep-alive), ${RATE} requests/s for ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up; latency from send to last byte`);
  console.log(`max throughput: autocannon, ${CONNECTIONS} connections, ${MAX_SECONDS} s; streams: ${STREAMS} at ${STREAM_RATE}/s after 50 unmeasured, mock chunks ${CHUNK_DELAY_MS} ms apart`);
  console.log(`each proxy is measured right after a run direct to the mock (its baseline: "added" is over that run)`);
  console.log(`every process in a session of its own at autogroup nice ${AUTOGROUP_NICE} (applied once the first one starts; see below)`);
  console.log(`request: POST /v1/chat/completions ${chatBody}`);

  const direct = await startMock();
  const proxies: Target[] = [];
  const skipped: string[] = [];
  const beforeOrgplane = await mockStats();
  const orgplane = await startOrgplane();
  // The readiness check sent a request through orgplane: its usage counts too.
  const probe = delta(beforeOrgplane, await mockStats());
  if (typeof orgplane === 'string') skipped.push(`(b) orgplane: ${orgplane}`);
  else proxies.push(orgplane.target);
  if (PEERS) {
    const nginx = await startNginx();
    if (typeof nginx === 'string') skipped.push(`(c) nginx: ${nginx}`);
    else proxies.push(nginx);
    const portkey = await startPortkey();
    if (typeof portkey === 'string') skipped.push(`(d) Portkey: ${portkey}`);
    else proxies.push(portkey);
  } else skipped.push('(c) nginx and (d) Portkey: skipped (BENCH_PEERS=0)');

  const usageStart = Math.floor(Date.now() / 1000) - 60;
  let orgplaneReported: { responses: number; inputTokens: number; outputTokens: number } | undefined;
  const pairs: { base: Row; row: Row }[] = [];
  for (const target of proxies) {
    const base: Row = { target: direct };
    await measure(base);
    const row: Row = { target };
    const before = await mockStats();
    await measure(row);
    if (typeof orgplane !== 'string' && target === orgplane.target) {
      await sleep(1000);
      const phases = delta(before, await mockStats());
      orgplaneReported = {
        responses: probe.responses + phases.responses,
        inputTokens: probe.inputTokens + phases.inputTokens,
        outputTokens: probe.outputTokens + phases.outputTokens,
      };
    }
    pairs.push({ base, row });
  }
  if (pairs.length === 0) {
    const base: Row = { target: direct };
    await measure(base);
    pairs.push({ base, row: base });
  }

  const lines = (f: (row: Row, base: Row, isBase: boolean) => string) => {
    for (const { base, row } of pairs) {
      console.log(f(base, base, true));
      if (row !== base) console.log(f(row, base, false));
    }
  };
  console.log(`\n## At ${RATE} requests/s (open loop)`);
  console.log('| target | p50 ms | p99 ms | added p50 ms | added p99 ms | non-200 | send lag p99 ms | CPU ms/request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  lines((row, base, isBase) => {
    const r = row.rate!;
    const b = base.rate!;
    return `| ${row.target.name} | ${ms(r.latency.p50, 3)} | ${ms(r.latency.p99, 3)} | ${isBase ? '' : signed(r.latency.p50 - b.latency.p50)} | ${isBase ? '' : signed(r.latency.p99 - b.latency.p99)} | ${r.requests - okCount(r)} | ${ms(r.late.p99)} | ${ms(r.cpuMsPerRequest, 3)} |`;
  });
  console.log(`\n## Maximum throughput (closed loop, autocannon, ${CONNECTIONS} connections)`);
  console.log('| target | requests/s | × direct | p50 ms | p99 ms | non-2xx + errors | CPU ms/request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  lines((row, base) => {
    const m = row.max!;
    return `| ${row.target.name} | ${m.rps.toFixed(0)} | ${(m.rps / base.max!.rps).toFixed(3)} | ${ms(m.latency.p50)} | ${ms(m.latency.p99)} | ${m.non2xx + m.errors} | ${ms(m.cpuMsPerRequest, 3)} |`;
  });
  console.log(`\n## Streaming chat completions: time to first byte (${STREAMS} streams at ${STREAM_RATE}/s)`);
  console.log('| target | TTFB p50 ms | TTFB p99 ms | added p50 ms | added p99 ms | whole stream p50 ms | non-200 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  lines((row, base, isBase) => {
    const s = row.ttfb!;
    const b = base.ttfb!;
    return `| ${row.target.name} | ${ms(s.firstByte.p50)} | ${ms(s.firstByte.p99)} | ${isBase ? '' : signed(s.firstByte.p50 - b.firstByte.p50)} | ${isBase ? '' : signed(s.firstByte.p99 - b.firstByte.p99)} | ${ms(s.latency.p50)} | ${s.requests - okCount(s)} |`;
  });
  for (const line of skipped) console.log(`\n${line}`);
  const errors = portkeyErrors();
  if (errors.length) console.log(`\nPortkey's stderr (distinct lines):\n${errors.map((l) => `  ${l.slice(0, 200)}`).join('\n')}`);
  console.log(`\nautogroup nice ${AUTOGROUP_NICE} ${niceApplied ? 'applied to every process' : 'NOT applied (not permitted): processes at normal priority'}`);
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  if (typeof orgplane !== 'string' && orgplaneReported) {
    // Usage is visible within 2 s; allow a little more on a loaded machine, then compare exactly.
    let totals = await usageTotals(orgplane, usageStart);
    for (let i = 0; i < 20 && (totals.input !== orgplaneReported.inputTokens || totals.output !== orgplaneReported.outputTokens); i++) {
      await sleep(500);
      totals = await usageTotals(orgplane, usageStart);
    }
    const exact = totals.input === orgplaneReported.inputTokens && totals.output === orgplaneReported.outputTokens && totals.requests === orgplaneReported.responses;
    console.log(`\n## Usage check after (b)`);
    console.log(`mock reported: ${orgplaneReported.responses} answers with usage, ${orgplaneReported.inputTokens} input tokens, ${orgplaneReported.outputTokens} output tokens`);
    console.log(`/v1/organization/usage/completions: ${totals.requests} requests, ${totals.input} input tokens, ${totals.output} output tokens`);
    const missing = `${orgplaneReported.responses - totals.requests} answers, ${orgplaneReported.inputTokens - totals.input} input and ${orgplaneReported.outputTokens - totals.output} output tokens`;
    console.log(exact ? 'usage check: EXACT — the usage endpoint counts exactly what the mock reported' : `usage check: MISMATCH — the mock sent in full more than orgplane recorded by ${missing}`);
    if (!exact) process.exitCode = 1;
  }
}

async function stopAll(): Promise<void> {
  for (const child of started.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  }
  rmSync(dir, { recursive: true, force: true });
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
