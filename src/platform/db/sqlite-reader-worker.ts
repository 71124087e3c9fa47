// The reader thread (see sqlite-reader.ts): its own read-only connection to the same file (WAL lets
// it read while the main connection writes), a statement cache, and one query at a time.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { registerSqlFunctions } from './sqlite-functions.js';
import { lowerThreadPriority } from './sqlite-thread.js';

lowerThreadPriority();
const db = new SQLite((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
db.pragma('mmap_size = 1073741824');
registerSqlFunctions(db);
const statements = new Map<string, SQLite.Statement>();

parentPort!.on('message', ({ id, query, params }: { id: number; query: string; params: unknown[] }) => {
  try {
    let stmt = statements.get(query);
    if (!stmt) statements.set(query, (stmt = db.prepare(query).raw(true)));
    const rows = stmt.all(...params) as Array<[unknown, string]>;
    const keys = new Array<number>(rows.length);
    const ends = new Array<number>(rows.length);
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      keys[i] = Number(rows[i][0]);
      ends[i] = total += Buffer.byteLength(rows[i][1]);
    }
    // A buffer of its own (never the shared pool), so that it can be moved to the main thread.
    const buffer = Buffer.allocUnsafeSlow(total);
    for (let i = 0, at = 0; i < rows.length; i++) at += buffer.write(rows[i][1], at);
    parentPort!.postMessage({ id, keys, ends, buffer: buffer.buffer }, [buffer.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
