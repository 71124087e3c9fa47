import type SQLite from 'better-sqlite3';
import { BACKGROUND_PRIORITY, startSqliteThread } from './sqlite-thread.js';

/**
 * SQL functions every SQLite connection of orgplane has, so that SQL can build JSON whose
 * numbers are written exactly as JavaScript writes them:
 * - js_number(x): the JSON text of a number as JSON.stringify writes it ('null' for NULL);
 * - js_round(x, d): Math.round(x * 10^d) / 10^d.
 * Self-contained: the reader thread registers it from its source text.
 */
export function registerSqlFunctions(db: SQLite.Database): void {
  db.function('js_number', { deterministic: true }, (x: unknown) => (x === null ? 'null' : String(x)));
  db.function('js_round', { deterministic: true }, (x: unknown, d: unknown) => {
    const scale = 10 ** Number(d);
    return x === null ? null : Math.round(Number(x) * scale) / scale;
  });
}

/**
 * The rows of a query of two columns (a number, a text): the texts as UTF-8, end to end in one
 * buffer; text i ends at byte ends[i] and belongs to keys[i].
 */
export interface KeyedTexts {
  keys: number[];
  ends: number[];
  buffer: Buffer;
}

/**
 * Runs read-only queries on a connection of its own, off the main thread. The thread encodes the
 * texts and hands their buffer over (moved, not copied), so that a large answer costs the main
 * thread next to nothing.
 */
export interface SqliteReader {
  keyedTexts(query: string, params: readonly unknown[]): Promise<KeyedTexts>;
  close(): Promise<void>;
}

// The reader thread: its own read-only connection to the same file (WAL lets it read while the
// main connection writes), a statement cache, and one query at a time. Plain JavaScript, so that
// it runs the same from TypeScript sources and from the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
${BACKGROUND_PRIORITY}
const db = new SQLite(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
db.pragma('mmap_size = 1073741824');
(${registerSqlFunctions.toString()})(db);
const statements = new Map();
parentPort.on('message', ({ id, query, params }) => {
  try {
    let stmt = statements.get(query);
    if (!stmt) statements.set(query, (stmt = db.prepare(query).raw(true)));
    const rows = stmt.all(...params);
    const keys = new Array(rows.length);
    const ends = new Array(rows.length);
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      keys[i] = Number(rows[i][0]);
      ends[i] = total += Buffer.byteLength(rows[i][1]);
    }
    // A buffer of its own (never the shared pool), so that it can be moved to the main thread.
    const buffer = Buffer.allocUnsafeSlow(total);
    for (let i = 0, at = 0; i < rows.length; i++) at += buffer.write(rows[i][1], at);
    parentPort.postMessage({ id, keys, ends, buffer: buffer.buffer }, [buffer.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

/** Starts a reader thread on the database file at `path`. */
export function openSqliteReader(path: string): SqliteReader {
  const thread = startSqliteThread(WORKER_SOURCE, path);
  return {
    async keyedTexts(query, params) {
      const { keys, ends, buffer } = await thread.call<{ keys: number[]; ends: number[]; buffer: ArrayBuffer }>({ query, params });
      return { keys, ends, buffer: Buffer.from(buffer) };
    },
    close: () => thread.close(),
  };
}
