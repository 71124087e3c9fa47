import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { it } from 'node:test';
import SQLite from 'better-sqlite3';
import { forEachDialect, type TestServer } from '../helpers/harness.js';
import { ServerProcess, TSX, tempSqlite } from '../helpers/process.js';
import { SETTINGS } from '../../src/config.js';

const CLI = [...TSX, 'src/cli/orgplane.ts'];

function orgplane(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [...CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking this process (its server keeps answering meanwhile). */
function orgplaneAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

it('orgplane: --help on every command, exit 0; misuse exits 2 naming the option or argument', () => {
  for (const path of [[], ['serve'], ['migrate'], ['admin-key'], ['admin-key', 'create'], ['usage'], ['usage', 'import'], ['usage', 'demo'], ['usage', 'reprice'], ['backup'], ['mock-upstream']]) {
    const r = orgplane([...path, '--help']);
    assert.equal(r.status, 0, `${path.join(' ')} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: orgplane${path.length ? ` ${path.join(' ')}` : ''} `), path.join(' '));
  }
  const unknown = orgplane(['usage', 'demo', '--dayz', '3']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option '--dayz'/);
  const bad = orgplane(['usage', 'import', 'x.jsonl', '--batch', 'many']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--batch must be an integer/);
  const badDay = orgplane(['usage', 'reprice', '--since', '2025-02-30']);
  assert.equal(badDay.status, 2);
  assert.match(badDay.stderr, /--since must be a day as YYYY-MM-DD \(UTC\), got "2025-02-30"/);
  const noDay = orgplane(['usage', 'reprice']);
  assert.equal(noDay.status, 2);
  assert.match(noDay.stderr, /required option '--since <date>' not specified/);
  const missing = orgplane(['backup']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing required argument 'file'/);
  const noFile = orgplane(['usage', 'import', '/nonexistent/usage.jsonl'], { DATABASE_URL: 'sqlite::memory:' });
  assert.equal(noFile.status, 1);
  assert.match(noFile.stderr, /cannot read \/nonexistent\/usage\.jsonl: no such file/);
  assert.doesNotMatch(noFile.stderr, /\n\s+at /, 'no stack trace');
});

it('orgplane serve --print-config shows every variable, secrets redacted; a bad one is refused like a start', () => {
  const key = `sk-admin-${'s'.repeat(40)}`;
  const env = {
    DATABASE_URL: 'postgres://orgplane:db-password-1@127.0.0.1:5432/test', ORGPLANE_ADMIN_KEY: key, ORGPLANE_METRICS_TOKEN: 'metrics-secret-1', PORT: '9123',
    REDIS_URL: 'redis://:redis-secret-1@127.0.0.1:6379', ORGPLANE_UPSTREAM_API_KEY: 'upstream-secret-1', ORGPLANE_UPSTREAM_URL: 'http://127.0.0.1:9/v1',
  };
  const r = orgplane(['serve', '--print-config'], env);
  assert.equal(r.status, 0, r.stderr);
  const config = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(config), Object.keys(SETTINGS), 'every variable');
  assert.equal(config.PORT, '9123');
  assert.equal(config.HOST, '127.0.0.1', 'defaults shown');
  assert.equal(config.ORGPLANE_USAGE_CACHE_MB, '256');
  assert.equal(config.ORGPLANE_MODEL_CATALOG, null, 'unset');
  assert.equal(config.DATABASE_URL, 'postgres://orgplane:REDACTED@127.0.0.1:5432/test');
  assert.equal(config.REDIS_URL, 'redis://:REDACTED@127.0.0.1:6379');
  assert.equal(config.ORGPLANE_ADMIN_KEY, 'REDACTED');
  assert.equal(config.ORGPLANE_METRICS_TOKEN, 'REDACTED');
  assert.equal(config.ORGPLANE_UPSTREAM_API_KEY, 'REDACTED');
  for (const secret of ['db-password-1', 'metrics-secret-1', 'redis-secret-1', 'upstream-secret-1', key]) assert.ok(!r.stdout.includes(secret), secret);
  const bad = orgplane(['serve', '--print-config'], { ...env, LOG_LEVEL: 'verbose' });
  assert.equal(bad.status, 78);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr, 'orgplane: configuration error: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"\n');
});

it('orgplane migrate applies the migrations once', () => {
  const file = tempSqlite('migrate');
  try {
    const first = orgplane(['migrate'], { DATABASE_URL: file.url });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^applied \d+ migrations: 0001_foundation, /);
    const again = orgplane(['migrate'], { DATABASE_URL: file.url });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, 'the database is up to date\n');
  } finally {
    file.remove();
  }
});

it('orgplane mock-upstream serves until SIGTERM', async () => {
  const mock = new ServerProcess({}, [...CLI, 'mock-upstream', '--port', '0']);
  try {
    while (!/listening on (http:\S+)/.test(mock.stdout)) {
      if (mock.child.exitCode !== null) throw new Error(mock.stderr);
      await new Promise((r) => setTimeout(r, 25));
    }
    const url = /listening on (http:\S+)/.exec(mock.stdout)![1];
    const res = await fetch(new URL('/v1/models', url));
    assert.equal(res.status, 200);
    mock.child.kill('SIGTERM');
    assert.deepEqual(await mock.exited, { code: 0, signal: null });
  } finally {
    await mock.stop();
  }
});

forEachDialect('orgplane commands on a database', (server) => {
  it('admin-key create prints a working admin key once, audited', async () => {
    const s: TestServer = server();
    const r = orgplane(['admin-key', 'create', '--name', 'Break glass'], { DATABASE_URL: s.databaseUrl });
    assert.equal(r.status, 0, r.stderr);
    const key = r.stdout.trim();
    assert.match(key, /^sk-admin-[A-Za-z0-9_-]{32,}$/);
    assert.equal(r.stdout, `${key}\n`, 'stdout holds the key alone');
    assert.ok(!r.stderr.includes(key));
    const res = await s.get('/v1/organization/admin_api_keys?limit=100', { key });
    assert.equal(res.status, 200);
    const created = res.body.data.find((k: any) => k.name === 'Break glass');
    assert.equal(created.owner.role, 'owner');
    const audit = await s.lastAudit();
    assert.equal(audit.type, 'api_key.created');
    assert.equal(audit['api_key.created'].id, created.id);
    const unknownOwner = orgplane(['admin-key', 'create', '--owner', 'nobody@example.com'], { DATABASE_URL: s.databaseUrl });
    assert.equal(unknownOwner.status, 1);
    assert.match(unknownOwner.stderr, /no organization owner has the email nobody@example\.com/);
  });

  it('usage import: a failed import names the line and resumes with --from-line', async () => {
    const s: TestServer = server();
    const file = tempSqlite('import');
    const jsonl = `${file.path}.jsonl`;
    const rec = (i: number) => JSON.stringify({ kind: 'embeddings', id: `res-${i}`, timestamp: 1767200000 + i, project_id: s.boot.defaultProjectId, model: 'text-embedding-3-small', input_tokens: 1 });
    try {
      writeFileSync(jsonl, [rec(1), rec(2), rec(3), '{"kind": "embeddings"', rec(5)].join('\n'));
      const failed = orgplane(['usage', 'import', jsonl, '--batch', '2'], { DATABASE_URL: s.databaseUrl });
      assert.equal(failed.status, 1);
      assert.match(failed.stderr, /line 4: not valid JSON/);
      assert.match(failed.stderr, /Lines before 3 are stored\. .*--from-line 3/);
      writeFileSync(jsonl, [rec(1), rec(2), rec(3), rec(4), rec(5)].join('\n'));
      const resumed = orgplane(['usage', 'import', jsonl, '--from-line', '3'], { DATABASE_URL: s.databaseUrl });
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.match(resumed.stderr, /5 lines read, 3 accepted, 0 duplicates, 0 unpriced/);
    } finally {
      file.remove();
      for (const f of [jsonl]) if (existsSync(f)) (await import('node:fs')).rmSync(f);
    }
  });

  it('backup: a consistent copy taken while writes go on, restored and served (PostgreSQL: pg_dump)', async () => {
    const s: TestServer = server();
    if (s.dialect === 'postgres') {
      const r = orgplane(['backup', '/tmp/never-written.db'], { DATABASE_URL: s.databaseUrl });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /PostgreSQL database: back it up with pg_dump/);
      assert.ok(!existsSync('/tmp/never-written.db'));
      return;
    }
    const target = tempSqlite('backup');
    const restored = tempSqlite('restored');
    try {
      // Projects created one after the other while the backup runs; each with its audit event in one transaction.
      let writing = true;
      let created = 0;
      const writer = (async () => {
        while (writing) {
          const res = await s.post('/v1/organization/projects', { name: `during backup ${created}` });
          assert.equal(res.status, 200);
          created++;
        }
      })();
      while (created < 5) await new Promise((r) => setTimeout(r, 10));
      const r = await orgplaneAsync(['backup', target.path], { DATABASE_URL: s.databaseUrl });
      const atEnd = created;
      writing = false;
      await writer;
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /backup written to .* integrity checked/);
      const again = orgplane(['backup', target.path], { DATABASE_URL: s.databaseUrl });
      assert.equal(again.status, 1);
      assert.match(again.stderr, /exists; choose another file or use --force/);

      const copy = new SQLite(target.path, { readonly: true });
      const projects = (copy.prepare("select count(*) as n from projects where name like 'during backup %'").get() as { n: number }).n;
      const events = (copy.prepare("select count(*) as n from audit_logs where type = 'project.created'").get() as { n: number }).n;
      const total = (copy.prepare('select count(*) as n from projects').get() as { n: number }).n;
      const newest = (copy.prepare('select id from projects order by seq desc limit 1').get() as { id: string }).id;
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      copy.close();
      // One committed state: every project in the copy has its audit event, and the copy holds what was written before it started.
      assert.ok(projects >= 5 && projects <= atEnd + 1, `${projects} of ${atEnd}`);
      assert.equal(events, total - 1, 'each project but the Default one has its project.created event');

      // Restore: the copy is a database file; serve it.
      copyFileSync(target.path, restored.path);
      const proc = new ServerProcess({ DATABASE_URL: restored.url, ORGPLANE_DRAIN_DELAY_MS: '0' });
      try {
        const base = await proc.listening();
        const auth = { authorization: `Bearer ${s.adminKey}` };
        const list = await fetch(`${base}/v1/organization/projects?limit=100`, { headers: auth });
        assert.equal(list.status, 200);
        assert.equal((await list.json()).data.length, Math.min(total, 100));
        const project = await fetch(`${base}/v1/organization/projects/${newest}`, { headers: auth });
        assert.equal(project.status, 200);
        assert.doesNotMatch(proc.stdout, /bootstrapped/, 'the restored organization is used, not a new one');
      } finally {
        proc.child.kill('SIGTERM');
        await proc.exited;
      }
    } finally {
      target.remove();
      restored.remove();
    }
  });
});
