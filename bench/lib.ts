import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

/** How `npm start` runs the server (a larger young generation: request handling allocates many short-lived objects). */
export const SERVER_ARGS = ['--max-semi-space-size=64', '--import', 'tsx', 'src/main.ts'];

/** Starts a child process and waits until `readyUrl` answers 200. */
export async function startProcess(command: string, args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
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

/** The event-loop delay the server recorded since the last call (bench/event-loop-monitor.mjs, loaded with --import). */
export async function eventLoopDelay(child: ChildProcess, report: string): Promise<{ p50: number; p99: number; max: number }> {
  rmSync(report, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(report); i++) await sleep(20);
  return JSON.parse(readFileSync(report, 'utf8'));
}

/** A latency probe (bench/probe.mjs) in a process of its own; `stop()` ends it and returns its latencies (ms). */
export function startProbe(url: string, authorization?: string): { stop: () => Promise<number[]> } {
  const child = spawn(process.execPath, ['bench/probe.mjs'], {
    env: { ...process.env, PROBE_URL: url, PROBE_AUTHORIZATION: authorization ?? '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // Above the load generator's priority: the probe's own wait for a core (two cores carry the
  // server, the loaders and the probes) is then not counted as the server's latency.
  try {
    setPriority(child.pid!, -5);
  } catch {
    /* not permitted: measured at normal priority */
  }
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    stop: async () => {
      child.stdin!.end();
      await exited;
      return JSON.parse(out) as number[];
    },
  };
}
