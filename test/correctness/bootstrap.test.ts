import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { DIALECTS, PG_URL } from '../helpers/harness.js';

/**
 * Several orgplane processes started at once on one empty database, as replicas are: exactly one
 * organization comes out, and a replica whose ORGPLANE_ADMIN_KEY is not one of its keys says so
 * and exits instead of serving 401s.
 */
const REPLICAS = 4;

/** `n` distinct free ports (all held until every one is known, so none is handed out twice). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => resolve(srv));
    srv.on('error', reject);
  })));
  const ports = servers.map((srv) => (srv.address() as { port: number }).port);
  await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  return ports;
}

interface Replica {
  child: ChildProcess;
  port: number;
  key: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startReplica(databaseUrl: string, port: number, key: string, email: string): Replica {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ORGPLANE_ADMIN_KEY: key, ORGPLANE_OWNER_EMAIL: email },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, key, output: () => out, exited };
}

/** 'ready' once /healthz answers, or the exit code if the process ends first. */
async function outcome(r: Replica): Promise<'ready' | number | null> {
  let code: number | null | undefined;
  void r.exited.then((c) => (code = c));
  for (let i = 0; i < 600; i++) {
    if (code !== undefined) return code;
    try {
      if ((await fetch(`http://127.0.0.1:${r.port}/healthz`)).ok) return 'ready';
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error(`replica did not start nor exit: ${r.output()}`);
}

const adminKey = () => `sk-admin-${randomBytes(24).toString('base64url')}`;

for (const dialect of DIALECTS) {
  describe(`replicas bootstrapping one empty database at once [${dialect}]`, () => {
    const cleanup: Array<() => Promise<void> | void> = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn();
    });

    /** A fresh empty database: its URL for the replicas, and how to open it for the assertions (after they ran). */
    async function emptyDatabase(): Promise<{ url: string; open: () => Promise<Database> }> {
      let url: string;
      let pgSchema: string | undefined;
      if (dialect === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'orgplane-boot-'));
        cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
        url = `sqlite:${join(dir, 'o.db')}`;
      } else {
        const tag = `t_${randomBytes(6).toString('hex')}`;
        const admin = await openDatabase(PG_URL);
        await admin.db.schema.createSchema(tag).execute();
        cleanup.push(async () => {
          await admin.db.schema.dropSchema(tag).ifExists().cascade().execute();
          await admin.close();
        });
        const withPath = new URL(PG_URL);
        withPath.searchParams.set('options', `-c search_path=${tag}`);
        url = withPath.toString();
        pgSchema = tag;
      }
      return {
        url,
        open: async () => {
          const database = await openDatabase(dialect === 'sqlite' ? url : PG_URL, pgSchema ? { pgSchema } : {});
          cleanup.push(() => database.close());
          return database;
        },
      };
    }

    async function counts(open: () => Promise<Database>) {
      const { db } = await open();
      const n = async (table: 'organization' | 'users' | 'projects' | 'api_keys') =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      return { organizations: await n('organization'), users: await n('users'), projects: await n('projects'), keys: await n('api_keys') };
    }

    it(`${REPLICAS} replicas with different keys and owners: one organization; the others refuse to start, saying why`, async () => {
      const { url, open } = await emptyDatabase();
      const ports = await freePorts(REPLICAS);
      const replicas = ports.map((port, i) => startReplica(url, port, adminKey(), `owner${i}@example.com`));
      cleanup.push(() => replicas.forEach((r) => r.child.kill('SIGKILL')));
      const results = await Promise.all(replicas.map(outcome));
      const ready = replicas.filter((_, i) => results[i] === 'ready');
      assert.equal(ready.length, 1, `outcomes ${results}: ${replicas.map((r) => r.output()).join('\n---\n')}`);
      for (const [i, r] of replicas.entries()) {
        if (results[i] === 'ready') continue;
        assert.equal(results[i], 78, r.output());
        assert.match(r.output(), /ORGPLANE_ADMIN_KEY is not an admin key of the organization already in this database/);
      }
      const res = await fetch(`http://127.0.0.1:${ready[0].port}/v1/organization/users`, { headers: { authorization: `Bearer ${ready[0].key}` } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as any).data.length, 1);
      assert.deepEqual(await counts(open), { organizations: 1, users: 1, projects: 1, keys: 1 });
      ready[0].child.kill('SIGTERM');
      assert.equal(await ready[0].exited, 0);
    });

    it(`${REPLICAS} replicas with the same key: all serve, one organization`, async () => {
      const { url, open } = await emptyDatabase();
      const key = adminKey();
      const replicas = (await freePorts(REPLICAS)).map((port) => startReplica(url, port, key, 'owner@example.com'));
      cleanup.push(() => replicas.forEach((r) => r.child.kill('SIGKILL')));
      const results = await Promise.all(replicas.map(outcome));
      assert.deepEqual(results, replicas.map(() => 'ready'), replicas.map((r) => r.output()).join('\n---\n'));
      for (const r of replicas) {
        const res = await fetch(`http://127.0.0.1:${r.port}/v1/organization/projects`, { headers: { authorization: `Bearer ${key}` } });
        assert.equal(res.status, 200);
      }
      assert.equal(replicas.filter((r) => r.output().includes('bootstrapped')).length, 1);
      assert.deepEqual(await counts(open), { organizations: 1, users: 1, projects: 1, keys: 1 });
      for (const r of replicas) r.child.kill('SIGTERM');
      for (const r of replicas) assert.equal(await r.exited, 0);
    });
  });
}
