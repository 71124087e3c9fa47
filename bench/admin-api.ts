/**
 * Benchmark of the Administration API on one server process, side by side with a bare
 * node:http server returning the same bytes, measured in the same run.
 *
 *   npm run bench                      # SQLite (default)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=10 npm run bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { load, printTable, startProcess, stopProcess, SERVER_ARGS } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const adminKey = `sk-admin-${randomBytes(32).toString('base64url')}`;
const dir = mkdtempSync(join(tmpdir(), 'orgplane-bench-'));
let databaseUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.db')}`;
let pgSchema: string | undefined;

async function main(): Promise<void> {
  if (databaseUrl.startsWith('postgres')) {
    // A fresh schema per run, dropped afterwards.
    pgSchema = `bench_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`CREATE SCHEMA ${pgSchema}`);
    await client.end();
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${pgSchema}`);
    databaseUrl = url.toString();
  }
  const port = 18000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const server = await startProcess(process.execPath, SERVER_ARGS, {
    PORT: String(port), DATABASE_URL: databaseUrl, ORGPLANE_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn',
  }, `${base}/healthz`);
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  try {
    for (let i = 0; i < 25; i++) {
      await fetch(`${base}/v1/organization/projects`, { method: 'POST', headers, body: JSON.stringify({ name: `Bench project ${i}` }) });
    }
    const listUrl = `${base}/v1/organization/projects?limit=20`;
    const listBody = await (await fetch(listUrl, { headers })).text();
    const createBody = await (await fetch(`${base}/v1/organization/projects`, { method: 'POST', headers, body: JSON.stringify({ name: 'Sample' }) })).text();

    const barePort = port + 1000;
    const bareList = await startProcess(process.execPath, ['bench/bare-server.mjs'], { PORT: String(barePort), BARE_BODY: listBody }, `http://127.0.0.1:${barePort}/`);
    const listBare = await load('bare node:http (same bytes)', { url: `http://127.0.0.1:${barePort}/v1/organization/projects?limit=20`, headers, seconds, connections });
    await stopProcess(bareList);
    const list = await load('orgplane GET /v1/organization/projects?limit=20', { url: listUrl, headers, seconds, connections });

    const bareCreate = await startProcess(process.execPath, ['bench/bare-server.mjs'], { PORT: String(barePort), BARE_BODY: createBody }, `http://127.0.0.1:${barePort}/`);
    const body = JSON.stringify({ name: 'Bench create' });
    const createBare = await load('bare node:http (same bytes)', { url: `http://127.0.0.1:${barePort}/v1/organization/projects`, method: 'POST', headers, body, seconds, connections });
    await stopProcess(bareCreate);
    const before = await countProjects(base, headers);
    const create = await load('orgplane POST /v1/organization/projects (durable + audit event)', { url: `${base}/v1/organization/projects`, method: 'POST', headers, body, seconds, connections });
    const after = await countProjects(base, headers);

    const db = databaseUrl.startsWith('sqlite') ? 'SQLite (WAL, synchronous=FULL)' : 'PostgreSQL';
    console.log(`\norgplane benchmark — ${db}; ${seconds}s per target, ${connections} connections, node ${process.version}`);
    printTable(`List projects (${listBody.length} bytes per response)`, [list], listBare);
    printTable('Create project', [create], createBare);
    console.log(`\nprojects created during the create run: ${after - before} (the server acknowledged ${Math.round(create.rps * seconds)} approx.)`);
  } finally {
    await stopProcess(server);
    rmSync(dir, { recursive: true, force: true });
    if (pgSchema) {
      const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA ${pgSchema} CASCADE`);
      await client.end();
    }
  }
}

async function countProjects(base: string, headers: Record<string, string>): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const res = await fetch(`${base}/v1/organization/projects?limit=100${after ? `&after=${after}` : ''}`, { headers });
    const page = (await res.json()) as { data: unknown[]; has_more: boolean; last_id: string };
    count += page.data.length;
    if (!page.has_more) return count;
    after = page.last_id;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
