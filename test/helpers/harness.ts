import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { App } from '../../src/admin/app-type.js';
import { compose, type ComposeOptions } from '../../src/compose.js';
import type { Core } from '../../src/core/index.js';
import { loadCatalog } from '../../src/core/catalog/index.js';
import { openDatabase, type Database, type DialectName } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { bootstrapOrganization, type BootstrapResult } from '../../src/core/bootstrap/service.js';
import { ManualClock } from '../../src/platform/clock.js';
import { assertComponent } from './spec.js';
import type { LiveTables } from '../../src/core/live.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DIALECTS: DialectName[] = (process.env.TEST_DIALECTS ?? 'sqlite,postgres').split(',') as DialectName[];

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** The body as it came. */
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body string (sent as-is). */
  raw?: string;
  /** API key to use; `null` sends no Authorization header. Defaults to the bootstrap admin key. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** A running orgplane on a fresh database, reached over real HTTP. */
export class TestServer {
  app!: App;
  /** The core services the server runs on (the same instance its routes use). */
  ctx!: Core;
  database!: Database;
  clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  boot!: BootstrapResult;
  baseUrl!: string;
  /** The database's URL, as DATABASE_URL gives it to orgplane's commands. */
  databaseUrl!: string;
  private cleanup: Array<() => Promise<void> | void> = [];

  /** The in-memory key and limit tables the server answers from. */
  live!: LiveTables;

  /** What requests go through (a test serving HTTPS sets a fetch that trusts its certificate). */
  fetch: typeof fetch = globalThis.fetch;

  constructor(
    readonly dialect: DialectName,
    /** Serve the data plane with these options (routes to the test's upstreams, …). */
    readonly gateway?: ComposeOptions['gateway'],
    /** More options for compose (e.g. `https`). */
    readonly options: Partial<ComposeOptions> = {},
  ) {}

  get adminKey(): string {
    return this.boot.adminKey;
  }

  async start(): Promise<this> {
    const tag = `t_${randomBytes(6).toString('hex')}`;
    if (this.dialect === 'sqlite') {
      const file = join(tmpdir(), `orgplane-${tag}.db`);
      this.databaseUrl = `sqlite:${file}`;
      this.database = await openDatabase(this.databaseUrl);
      this.cleanup.push(() => ['', '-wal', '-shm'].forEach((s) => rmSync(file + s, { force: true })));
    } else {
      const url = new URL(PG_URL);
      url.searchParams.set('options', `-c search_path=${tag}`);
      this.databaseUrl = url.toString();
      this.database = await openDatabase(PG_URL, { pgSchema: tag });
      this.cleanup.push(async () => {
        const admin = await openDatabase(PG_URL);
        await admin.db.schema.dropSchema(tag).ifExists().cascade().execute();
        await admin.close();
      });
    }
    await migrateToLatest(this.database);
    const { core, admin, live } = await compose({
      database: this.database, clock: this.clock, catalog: await loadCatalog(), bodyLimit: 64 * 1024, live: { url: PG_URL }, gateway: this.gateway, ...this.options,
    });
    this.ctx = core;
    this.app = admin;
    this.live = live!;
    this.boot = (await bootstrapOrganization(this.ctx))!;
    const address = await this.app.listen({ port: 0, host: '127.0.0.1' });
    this.baseUrl = address;
    return this;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.database?.close();
    for (const fn of this.cleanup.reverse()) await fn();
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? this.adminKey : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* non-JSON body */
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get = <T = any>(path: string, opts?: RequestOptions) => this.request<T>('GET', path, opts);
  post = <T = any>(path: string, body?: unknown, opts?: RequestOptions) => this.request<T>('POST', path, { ...opts, body });
  delete = <T = any>(path: string, opts?: RequestOptions) => this.request<T>('DELETE', path, opts);

  /** Number of audit-log rows, for asserting that a failed request wrote nothing. */
  async auditCount(): Promise<number> {
    const row = await this.ctx.db.selectFrom('audit_logs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The newest audit event, as the API returns it. */
  async lastAudit(): Promise<any> {
    const res = await this.get('/v1/organization/audit_logs?limit=1');
    assert.equal(res.status, 200);
    return res.body.data[0];
  }
}

/**
 * Runs `fn` once per dialect (SQLite and PostgreSQL), each with its own fresh server,
 * so the same suite covers both databases.
 */
export function forEachDialect(name: string, fn: (t: () => TestServer) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${name} [${dialect}]`, () => {
      const server = new TestServer(dialect);
      before(async () => {
        await server.start();
      });
      after(async () => {
        await server.stop();
      });
      fn(() => server);
    });
  }
}

/** Asserts an OpenAI-shaped error with the given status (and `param`, when given). */
export function assertError(res: Response, status: number, param?: string | null): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assertComponent('ErrorResponse', res.body);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 0);
  if (param !== undefined) assert.equal(res.body.error.param, param, `param: ${JSON.stringify(res.body)}`);
}
