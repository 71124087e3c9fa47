import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** How `npm start` runs the server. */
export const SERVER_ARGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean).concat(['--import', 'tsx', 'src/main.ts']);

/**
 * Children run in sessions of their own (detached), as a server and its clients do on a real
 * machine: Linux's scheduler (autogroup) then shares the cores between the server, the load
 * generator and the probes as between programs, instead of between the threads of one group.
 * They are killed when the benchmark exits, whatever the reason.
 */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
function spawnDetached(command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Sets the nice value of this process's autogroup (Linux: the unit the scheduler shares cores
 * between), e.g. to let the server get a core before the load generator; false if not permitted.
 */
export function setAutogroupNice(nice: number): boolean {
  try {
    writeFileSync('/proc/self/autogroup', String(nice));
    return true;
  } catch {
    return false;
  }
}

/** Starts a child process and waits until `readyUrl` answers 200. */
export async function startProcess(command: string, args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawnDetached(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${command} ${args.join(' ')} did not become ready`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Load for `seconds` with `connections` keep-alive connections; returns throughput and latency. */
export async function load(name: string, opts: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; seconds: number; connections: number }): Promise<Figures> {
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    duration: opts.seconds,
    connections: opts.connections,
  });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

export function printTable(title: string, rows: Figures[], baseline: Figures): void {
  console.log(`\n${title}`);
  console.log('| target | req/s | p50 ms | p99 ms | non-2xx+errors | vs bare |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of [baseline, ...rows]) {
    console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${((100 * r.rps) / baseline.rps).toFixed(0)}% |`);
  }
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** Linux: the longest hold-up, split into the main thread's running and its waiting for a core. */
  worst?: { ms: number; ran: number; waited: number };
  /** Linux: the most the main thread ran within one hold-up (its own work, GC included). */
  maxRan?: number;
}

/** The event-loop delay the server recorded since the last call (bench/event-loop-monitor.mjs, loaded with --import). */
export async function eventLoopDelay(child: ChildProcess, report: string): Promise<LoopDelay> {
  rmSync(report, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(report); i++) await sleep(20);
  return JSON.parse(readFileSync(report, 'utf8'));
}

/**
 * A latency probe (bench/probe.mjs) in a process of its own, started (its own start-up done) when
 * this resolves; `stop()` ends it and returns its latencies (ms).
 */
export async function startProbe(url: string, authorization?: string): Promise<{ stop: () => Promise<number[]> }> {
  const child = spawnDetached(process.execPath, ['bench/probe.mjs'], {
    env: { ...process.env, PROBE_URL: url, PROBE_AUTHORIZATION: authorization ?? '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // The instrument gets a core before the load generator does (Linux: its session's autogroup, the
  // unit the scheduler shares cores between, at nice -5), so that its own wait for a core is not
  // counted as the server's latency.
  try {
    writeFileSync(`/proc/${child.pid}/autogroup`, '-5');
  } catch {
    try {
      setPriority(child.pid!, -5);
    } catch {
      /* not permitted: measured at normal priority */
    }
  }
  let out = '';
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) ready();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([started, exited]);
  if (child.exitCode !== null) throw new Error(`probe of ${url} failed to start`);
  return {
    stop: async () => {
      child.stdin!.end();
      await exited;
      return JSON.parse(out.slice('ready\n'.length)) as number[];
    },
  };
}
