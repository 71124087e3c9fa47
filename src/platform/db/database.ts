import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type InsertResult, Kysely, PostgresDialect, type SelectQueryBuilder, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type DialectName, redactDatabaseUrl, SYNTAX, type SqlSyntax, syntaxOf } from './dialect.js';
import type { DB } from './schema.js';
import { cachingConnection } from './sqlite-cache.js';
import { registerSqlFunctions } from './sqlite-functions.js';
import { type KeyedTexts, openSqliteReader, type SqliteReader } from './sqlite-reader.js';
import { openSqliteWriter, type SqliteWriter } from './sqlite-writer.js';
import { runWriteScript, type WriteGuard, type WriteOutcome, type WriteStatement } from './write-script.js';

export { DATABASE_URL_FORMS, DEFAULT_DATABASE_URL, databaseUrlProblem, redactDatabaseUrl, isUniqueViolation, type DialectName, type SqlSyntax } from './dialect.js';
export type { KeyedTexts } from './sqlite-reader.js';
export type { WriteGuard, WriteOutcome, WriteStatement } from './write-script.js';

/** A database handle inside a transaction (or the plain handle for reads). */
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * An open database. The rest of orgplane sees the Kysely handle, the SQL syntax object and the
 * four operations below; which engine runs a statement, and on which thread, is known only here.
 */
export interface Database {
  db: Kysely<DB>;
  /** How hand-written SQL differs on this database (placeholders, JSON text, aggregation, rounding, row locks). */
  sql: SqlSyntax;
  /**
   * Runs `fn` in one transaction: a mutation and its audit event commit together or not at all.
   * Rows read with `sql.forUpdate` stay locked until it ends. (SQLite: transactions of the main
   * connection are serial, and one runs only while the bulk-write connection holds no write
   * lock, so that the event loop never waits, blocked, for it.)
   */
  transaction<T>(fn: (tx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Runs a script of statements (bulk writes, `?` already numbered by `sql.numbered`) as one transaction, off the event loop where the database allows. */
  runScript(statements: readonly WriteStatement[], guard: WriteGuard): Promise<WriteOutcome>;
  /** The rows of a read-only query of two columns (a number, a text), the texts end to end in one buffer; off the event loop where the database allows. */
  keyedTexts(query: string, params: readonly unknown[]): Promise<KeyedTexts>;
  close(): Promise<void>;
  /** Which engine (tests and the migrator only). */
  dialect: DialectName;
  /** PostgreSQL schema the database was opened in, when one was given. */
  schema?: string;
  /** SQLite on a file only: a connection on another thread for heavy reads (analytics). */
  reader?: SqliteReader;
  /** SQLite on a file only: a connection on another thread for bulk writes (usage ingestion). */
  writer?: SqliteWriter;
  /** What the metrics show of the database's queues: the SQLite writer's, the PostgreSQL pool's. */
  stats(): DatabaseStats;
}

/**
 * `query` locking the rows it reads until the transaction of `db` ends (SqlSyntax.forUpdate of
 * the database behind `db`): for invariants that concurrent transactions must not both pass.
 */
export function lockRows<QB extends SelectQueryBuilder<any, any, any>>(db: Executor, query: QB): QB {
  return syntaxOf(db).forUpdate(query);
}

/** Whether an `ON CONFLICT DO NOTHING` insert wrote its row (concurrent duplicates become a clean conflict). */
export const inserted = (result: InsertResult | undefined): boolean => Number(result?.numInsertedOrUpdatedRows ?? 0) > 0;

/** keyedTexts through the Kysely handle (on the event loop). */
async function keyedTextsOf(db: Kysely<DB>, query: string, params: readonly unknown[]): Promise<KeyedTexts> {
  const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(query, [...params]));
  const keys = new Array<number>(rows.length);
  const texts = new Array<Buffer>(rows.length);
  const ends = new Array<number>(rows.length);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const [key, text] = Object.values(rows[i]);
    keys[i] = Number(key);
    texts[i] = Buffer.from(String(text));
    ends[i] = total += texts[i].length;
  }
  return { keys, ends, buffer: Buffer.concat(texts, total) };
}

function databaseOf(parts: { db: Kysely<DB>; dialect: DialectName; schema?: string; reader?: SqliteReader; writer?: SqliteWriter; stats: () => DatabaseStats; close: () => Promise<void> }): Database {
  const { db, reader, writer } = parts;
  return {
    ...parts,
    sql: SYNTAX[parts.dialect],
    transaction: (fn) => {
      const run = () => db.transaction().execute(fn);
      return writer ? writer.exclusive(run) : run();
    },
    runScript: (statements, guard) => runWriteScript(db, writer, statements, guard),
    keyedTexts: (query, params) => (reader ? reader.keyedTexts(query, params) : keyedTextsOf(db, query, params)),
  };
}

// int8 (COUNT, SUM, bigint columns) as JavaScript numbers; values stay below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric as numbers (cost amounts).
pg.types.setTypeParser(1700, (v) => Number(v));

export interface DatabaseStats {
  writerQueue?: number;
  pool?: { total: number; idle: number; waiting: number };
}

export interface OpenOptions {
  /** PostgreSQL only: schema to use (created if missing); isolates test databases. */
  pgSchema?: string;
}

/** The file path of a `sqlite:<path>` URL (`:memory:` for an in-memory database; `sqlite:///x` is `/x`). */
export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  return path.startsWith('///') ? path.slice(2) : path;
}

/**
 * The database cannot be opened or reached (a file that cannot be created, a server that refuses
 * or does not answer): its message says which and why, in one line, without the password.
 */
export class DatabaseUnavailable extends Error {}

/** How long opening a PostgreSQL database may take before it is reported unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Opens the SQLite file, creating its directory; a failure is a DatabaseUnavailable naming the path. */
function openSqliteFile(url: string, path: string): SQLite.Database {
  const fail = (what: string, err: unknown) => new DatabaseUnavailable(`DATABASE_URL ${url}: ${what} (${describeError(err)})`);
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
    } catch (err) {
      throw fail(`cannot create the directory ${dirname(resolve(path))}`, err);
    }
  }
  try {
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    return sqlite;
  } catch (err) {
    throw fail(`cannot open ${resolve(path)} for writing`, err);
  }
}

/** `CODE: message` of a system or driver error (the first of an AggregateError: every address refused). */
function describeError(err: unknown): string {
  const first = err instanceof AggregateError && err.errors.length ? err.errors[0] : err;
  const { code, message } = first as NodeJS.ErrnoException;
  return `${code ? `${code}: ` : ''}${message || String(first)}`;
}

/** Resolves with `work`, or rejects with a DatabaseUnavailable when it takes longer than CONNECT_TIMEOUT_MS or fails. */
async function reachable<T>(url: string, work: Promise<T>): Promise<T> {
  const where = (() => {
    try {
      const u = new URL(url);
      return `${u.hostname || 'localhost'}:${u.port || 5432}`;
    } catch {
      return 'the server';
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailable(`DATABASE_URL ${redactDatabaseUrl(url)}: no answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    if (err instanceof DatabaseUnavailable) throw err;
    throw new DatabaseUnavailable(`DATABASE_URL ${redactDatabaseUrl(url)}: cannot connect to ${where} (${describeError(err)})`);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens `sqlite:<path>` (WAL, synchronous=FULL: an acknowledged write survives a crash) or `postgres://...`. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const path = sqlitePath(url);
    const sqlite = openSqliteFile(url, path);
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    registerSqlFunctions(sqlite);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingConnection(sqlite) }) });
    // An in-memory database is private to its connection: it has no second reader or writer.
    const file = path !== ':memory:' && path !== '';
    const reader = file ? openSqliteReader(resolve(path)) : undefined;
    const writer = file ? openSqliteWriter(resolve(path)) : undefined;
    // The writer thread checkpoints the WAL; the main thread never spends time on it.
    if (writer) sqlite.pragma('wal_autocheckpoint = 0');
    return databaseOf({
      db,
      dialect: 'sqlite',
      reader,
      writer,
      stats: () => ({ writerQueue: writer?.depth() ?? 0 }),
      close: async () => {
        await writer?.close();
        await reader?.close();
        await db.destroy();
      },
    });
  }
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await reachable(url, admin.connect()).catch((err) => {
      void admin.end().catch(() => undefined);
      throw err;
    });
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // Doubles written with their shortest round-trip digits (the default since PostgreSQL 12, set in
  // case a server is configured otherwise): the usage JSON built in SQL depends on it (migration
  // 0006). Queued on a new connection before any other query; a connection it fails on fails those too.
  pool.on('connect', (client) => void client.query('set extra_float_digits = 1').catch(() => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await reachable(url, sql`select 1`.execute(db)).catch((err) => {
    void db.destroy().catch(() => undefined);
    throw err;
  });
  return databaseOf({
    db,
    dialect: 'postgres',
    schema,
    stats: () => ({ pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } }),
    close: () => db.destroy(),
  });
}
