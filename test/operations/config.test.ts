import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SETTINGS } from '../../src/config.js';
import { forEachDialect } from '../helpers/harness.js';
import { ServerProcess } from '../helpers/process.js';

// Absolute paths: some runs use another working directory.
const MAIN = resolve('src/main.ts');
const CLI = resolve('src/cli/orgplane.ts');
const TSX = import.meta.resolve('tsx');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs orgplane's server (or the command `args`) until it exits; a run longer than 60 s fails the test. */
function run(env: Record<string, string>, options: { args?: string[]; cwd?: string } = {}): Promise<Exit> {
  // None of orgplane's settings from the environment the tests run in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in SETTINGS)));
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', TSX, ...(options.args ? [CLI, ...options.args] : [MAIN])], {
    env: { ...base, PORT: '0', LOG_LEVEL: 'warn', ...env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((done) => child.on('exit', (code) => {
    clearTimeout(limit);
    done({ code, stdout, stderr, ms: Date.now() - started });
  }));
}

const PREFIX = 'orgplane: configuration error: ';

describe('configuration checked at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orgplane-config-'));
  const servers: Server[] = [];
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const s of servers) s.close();
  });

  it('every problem at once, a line each naming its variable; exit 78 (EX_CONFIG), no stack, nothing created', async () => {
    const work = mkdtempSync(join(dir, 'all-'));
    const r = await run({
      PORT: '99999',
      HOST: 'not a host',
      DATABASE_URL: 'sqlite:',
      ORGPLANE_ADMIN_KEY: 'hunter2',
      ORGPLANE_OWNER_EMAIL: 'owner',
      LOG_LEVEL: 'verbose',
      ORGPLANE_USAGE_CACHE_MB: 'lots',
      ORGPLANE_DRAIN_DELAY_MS: '-1',
      REDIS_URL: 'http://127.0.0.1:6379',
      ORGPLANE_UPSTREAMS: join(work, 'missing-routes.yaml'),
      ORGPLANE_MODEL_CATALOG: join(work, 'missing-catalog.json'),
    }, { cwd: work });
    assert.equal(r.code, 78, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    for (const line of lines) assert.ok(line.startsWith(PREFIX), line);
    const problems = lines.map((l) => l.slice(PREFIX.length));
    assert.deepEqual(problems.slice(0, 9), [
      'PORT: must be an integer between 0 and 65535, got "99999"',
      'HOST: must be an IP address or a host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::), got "not a host"',
      'DATABASE_URL: "sqlite:" names no file; use e.g. sqlite:./data/orgplane.db (relative to the working directory) or sqlite:///var/lib/orgplane/orgplane.db (absolute)',
      'ORGPLANE_ADMIN_KEY: must look like an admin key: sk-admin- followed by at least 32 characters of [A-Za-z0-9_-]',
      'ORGPLANE_OWNER_EMAIL: must be an email address, got "owner"',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      'ORGPLANE_USAGE_CACHE_MB: must be an integer between 0 and 1048576, got "lots"',
      'ORGPLANE_DRAIN_DELAY_MS: must be an integer between 0 and 600000, got "-1"',
      'REDIS_URL: must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
    ]);
    assert.match(problems[9], /^ORGPLANE_UPSTREAMS .*missing-routes\.yaml: cannot read the file/);
    assert.match(problems[10], /^ORGPLANE_MODEL_CATALOG: model catalog .*missing-catalog\.json: cannot be read/);
    assert.equal(problems.length, 11);
    assert.deepEqual(readdirSync(work), [], 'no database created');
  });

  it('DATABASE_URL: sqlite:rel.db and sqlite:./rel.db are relative to the working directory, sqlite:///abs absolute; sqlite://rel.db is refused', async () => {
    const work = mkdtempSync(join(dir, 'forms-'));
    const name = `rel-${process.pid}.db`;
    const ambiguous = await run({ DATABASE_URL: `sqlite://${name}` }, { cwd: work });
    assert.equal(ambiguous.code, 78, ambiguous.stderr);
    assert.equal(ambiguous.stderr, `${PREFIX}DATABASE_URL: "sqlite://${name}" is ambiguous (after "//" comes a host, not a file); use sqlite:${name} for ./${name} in the working directory, or sqlite:///${name} for /${name}\n`);
    assert.ok(!existsSync(`/${name}`), 'nothing at the filesystem root');
    assert.deepEqual(readdirSync(work), []);

    for (const [url, file] of [['sqlite:a.db', join(work, 'a.db')], ['sqlite:./sub/b.db', join(work, 'sub', 'b.db')], [`sqlite://${join(dir, 'c.db')}`, join(dir, 'c.db')], [`sqlite:${join(dir, 'd.db')}`, join(dir, 'd.db')]]) {
      const r = await run({ DATABASE_URL: url }, { args: ['migrate'], cwd: work });
      assert.equal(r.code, 0, `${url}: ${r.stderr}`);
      assert.ok(existsSync(file), `${url} → ${file}`);
    }
    const home = await run({ DATABASE_URL: 'sqlite:~/o.db' }, { args: ['migrate'], cwd: work });
    assert.equal(home.code, 78);
    assert.match(home.stderr, /DATABASE_URL: "sqlite:~\/o\.db": "~" is not expanded/);
    const other = await run({ DATABASE_URL: 'mysql://localhost/o' });
    assert.equal(other.code, 78);
    assert.match(other.stderr, /^orgplane: configuration error: DATABASE_URL: must be sqlite:<path> .* or postgres:\/\/user@host:port\/database, got "mysql:\/\/localhost\/o"\n$/);
  });

  it('a database that cannot be opened or reached: one line naming DATABASE_URL, exit 1, within seconds (no hang, no stack)', async () => {
    // A file where a directory should be.
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const file = await run({ DATABASE_URL: `sqlite:${blocker}/data/o.db` });
    assert.equal(file.code, 1, file.stderr);
    assert.match(file.stderr, /^orgplane: failed to start: DATABASE_URL sqlite:.*\/not-a-directory\/data\/o\.db: cannot create the directory .*not-a-directory\/data \(ENOTDIR: [^\n]*\)\n$/);

    // A port nobody listens on: refused at once.
    const closed = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => done(port));
      });
    });
    const refused = await run({ DATABASE_URL: `postgres://postgres:pw-secret-9@127.0.0.1:${closed}/test` });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^orgplane: failed to start: DATABASE_URL postgres://postgres:REDACTED@127\\.0\\.0\\.1:${closed}/test: cannot connect to 127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED[^\\n]*\\)\\n$`));

    // A server that accepts the connection and never answers: reported after the 10 s connection timeout.
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    const hung = await run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` });
    assert.equal(hung.code, 1, hung.stderr);
    assert.match(hung.stderr, new RegExp(`^orgplane: failed to start: DATABASE_URL postgres://postgres@127\\.0\\.0\\.1:${port}/test: no answer from 127\\.0\\.0\\.1:${port} within 10 s\\n$`));
    assert.ok(hung.ms >= 10_000 && hung.ms < 40_000, `${hung.ms} ms`);
  });
});

forEachDialect('ORGPLANE_ADMIN_KEY given for a database already bootstrapped', (server) => {
  it('another key: refused in one line, exit 78; the organization\'s own key: serves, printing nothing of it', async () => {
    const s = server();
    const other = `sk-admin-${'Q'.repeat(40)}`;
    const refused = await run({ DATABASE_URL: s.databaseUrl, ORGPLANE_ADMIN_KEY: other });
    assert.equal(refused.code, 78, refused.stderr);
    assert.match(refused.stderr, /^orgplane: configuration error: ORGPLANE_ADMIN_KEY is not an admin key of the organization already in this database \([^\n]*\)\. Unset ORGPLANE_ADMIN_KEY, or set it to a live admin key of that organization\.\n$/);
    assert.ok(!refused.stderr.includes(other) && !refused.stdout.includes(other));

    const own = new ServerProcess({ DATABASE_URL: s.databaseUrl, ORGPLANE_ADMIN_KEY: s.adminKey, ORGPLANE_DRAIN_DELAY_MS: '0' });
    try {
      const base = await own.listening();
      const res = await fetch(`${base}/v1/organization/projects`, { headers: { authorization: `Bearer ${s.adminKey}` } });
      assert.equal(res.status, 200);
      assert.ok(!own.stdout.includes(s.adminKey) && !own.stderr.includes(s.adminKey));
      assert.doesNotMatch(own.stdout, /bootstrapped/);
    } finally {
      await own.stop();
    }
  });
});
