import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';
import { cachingConnection } from './sqlite-cache.js';
import { openSqliteReader, registerSqlFunctions, type SqliteReader } from './sqlite-reader.js';
import { openSqliteWriter, type SqliteWriter } from './sqlite-writer.js';

export type DialectName = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus what differs between dialects. */
export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** PostgreSQL schema the database was opened in, when one was given. */
  schema?: string;
  /** SQLite on a file only: a connection on another thread for heavy reads (analytics). */
  reader?: SqliteReader;
  /** SQLite on a file only: a connection on another thread for bulk writes (usage ingestion). */
  writer?: SqliteWriter;
  /** What the metrics show of the database's queues: the SQLite writer's, the PostgreSQL pool's. */
  stats(): DatabaseStats;
  close(): Promise<void>;
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

/** The file path of a `sqlite:<path>` URL (`:memory:` for an in-memory database). */
export function sqlitePath(url: string): string {
  return url.slice('sqlite:'.length);
}

/** Opens `sqlite:<path>` (WAL, synchronous=FULL: an acknowledged write survives a crash) or `postgres://...`. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const path = sqlitePath(url);
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
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
    return {
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
    };
  }
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
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
  await sql`select 1`.execute(db);
  return {
    db,
    dialect: 'postgres',
    schema,
    stats: () => ({ pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } }),
    close: () => db.destroy(),
  };
}
