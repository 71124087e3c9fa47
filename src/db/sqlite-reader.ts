import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

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

/** Runs read-only queries on a connection of its own, off the main thread; rows come back as arrays. */
export interface SqliteReader {
  all(query: string, params: readonly unknown[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

// The reader thread: its own read-only connection to the same file (WAL lets it read while the
// main connection writes), a statement cache, and one query at a time. Plain JavaScript, so that
// it runs the same from TypeScript sources and from the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
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
    parentPort.postMessage({ id, rows: stmt.all(...params) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

/** Starts a reader thread on the database file at `path`. */
export function openSqliteReader(path: string): SqliteReader {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver } });
  // An idle reader does not keep the process alive.
  worker.unref();
  const pending = new Map<number, { resolve: (rows: unknown[][]) => void; reject: (err: Error) => void }>();
  let next = 0;
  worker.on('message', ({ id, rows, error }: { id: number; rows?: unknown[][]; error?: string }) => {
    const p = pending.get(id)!;
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(rows!);
  });
  worker.on('error', (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  return {
    all(query, params) {
      return new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, query, params });
      });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
