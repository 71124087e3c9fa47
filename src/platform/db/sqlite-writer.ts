import { BACKGROUND_PRIORITY, startSqliteThread } from './sqlite-thread.js';
import type { WriteGuard, WriteOutcome, WriteStatement } from './write-script.js';

/**
 * Runs write transactions on a connection of its own, off the main thread, in the order they were
 * asked for. Bulk writes (usage ingestion) use it so that their SQL runs on the other core while
 * the main thread goes on answering requests.
 *
 * Group commit: scripts asked for while the thread is busy are sent together when it is free and
 * run in one transaction, each inside a savepoint of its own, so that one durable commit (one
 * fsync) serves them all. A script whose guard fails or that raises an error is rolled back to its
 * savepoint alone; every script is answered only after the commit.
 */
export interface SqliteWriter {
  /** Runs the statements as one transaction (see runWriteScript). */
  transaction(statements: readonly WriteStatement[], guard?: WriteGuard): Promise<WriteOutcome>;
  /**
   * Runs `fn` — a write transaction of another connection (the main thread's) — while this thread
   * has no transaction open and starts none: that connection then never waits, blocked in SQLite's
   * busy handler, for the write lock (which would stall the event loop for as long as a batch
   * takes). Groups asked for meanwhile wait until `fn` settles.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Scripts waiting for the thread, plus those of the group it is running (a metric). */
  depth(): number;
  close(): Promise<void>;
}

// The writer thread: its own connection with the same durability as the main one (WAL,
// synchronous=FULL), a statement cache, one transaction at a time. Plain JavaScript, so that it
// runs the same from TypeScript sources and from the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
${BACKGROUND_PRIORITY}
const db = new SQLite(workerData.path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
// This connection checkpoints the WAL: after its own commits (autocheckpoint) and every few seconds,
// so that the main connection, which does not, never copies pages on the main thread. Once the WAL
// holds 10,000 pages (~40 MB) rather than SQLite's 1,000: a batch dirties thousands of pages, many
// of them the same rollup rows of today as the batches before (copied back once per checkpoint,
// not once per commit).
db.pragma('wal_autocheckpoint = 10000');
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), 5000).unref();
// Statement texts are sent once each and numbered; later scripts name them by number.
const texts = new Map();
const statements = new Map();
const prepare = (n) => {
  let stmt = statements.get(n);
  if (!stmt) {
    stmt = db.prepare(texts.get(n));
    if (stmt.reader) stmt.raw(true);
    statements.set(n, stmt);
  }
  return stmt;
};
// Runs statement n with its parameters (apply, not spread: a Float64Array of thousands of
// parameters spread goes through the iterator protocol, apply reads it by index).
const run = (n, parameters) => { const stmt = prepare(n); return stmt.run.apply(stmt, parameters); };
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const rollback = db.prepare('rollback');
const savepoint = db.prepare('savepoint script');
const undo = db.prepare('rollback to script');
const release = db.prepare('release script');
// The rows a script's guarded statements return (run again, inside the script's savepoint, when its guard failed).
const guardedRows = (list, guard) => {
  const rows = [];
  for (let i = 0; i < guard.statements; i++) for (const row of prepare(list[i].n).all(...list[i].parameters)) rows.push(row);
  return rows;
};
// Runs one script inside the open transaction, in a savepoint of its own. Guarded statements
// insert-or-skip: how many rows they wrote says whether the guard holds; if it does not, the script
// is rolled back to its savepoint and what the guarded statements would have written is handed back.
const runScript = ({ statements: list, guard }) => {
  savepoint.run();
  const guarded = guard ? guard.statements : 0;
  let returned = [];
  if (guarded > 0) {
    let written = 0;
    if (guard.keep) {
      returned = guardedRows(list, guard);
      written = returned.length;
    } else {
      for (let i = 0; i < guarded; i++) written += run(list[i].n, list[i].parameters).changes;
    }
    if (written !== guard.rows) {
      if (!guard.keep) {
        undo.run();
        returned = guardedRows(list, guard);
      }
      undo.run();
      release.run();
      return { committed: false, returned };
    }
  }
  for (let i = guarded; i < list.length; i++) run(list[i].n, list[i].parameters);
  release.run();
  return { committed: true, returned: guard && guard.keep ? returned : [] };
};
parentPort.on('message', ({ id, texts: fresh, scripts }) => {
  for (const [n, sql] of fresh) texts.set(n, sql);
  const results = [];
  try {
    begin.run();
    for (const script of scripts) {
      try {
        results.push(runScript(script));
      } catch (err) {
        // An error the transaction survives undoes this script alone; one that ended it fails the group.
        if (!db.inTransaction) throw err;
        undo.run();
        release.run();
        results.push({ error: err instanceof Error ? err.message : String(err) });
      }
    }
    commit.run();
    parentPort.postMessage({ id, results });
  } catch (err) {
    if (db.inTransaction) rollback.run();
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

interface Pending {
  statements: readonly WriteStatement[];
  guard?: WriteGuard;
  resolve: (outcome: WriteOutcome) => void;
  reject: (err: Error) => void;
}

/** Starts a writer thread on the database file at `path`. */
export function openSqliteWriter(path: string): SqliteWriter {
  const thread = startSqliteThread(WORKER_SOURCE, path);
  const numbers = new Map<string, number>();
  let queue: Pending[] = [];
  let busy = false;
  /** Scripts of the group in flight. */
  let running = 0;
  /** Exclusive sections running, and those waiting for the group in flight to end. */
  let exclusive = 0;
  let waiting: Array<() => void> = [];
  /** Sends every queued script as one group; when it is answered, the next group goes. */
  const flush = () => {
    if (busy || exclusive > 0 || queue.length === 0) return;
    const group = queue;
    queue = [];
    busy = true;
    running = group.length;
    // Texts the thread has not seen go along once; numeric parameters move to the thread (their
    // buffers are transferred, not copied).
    const texts: Array<[number, string]> = [];
    const transfer: ArrayBuffer[] = [];
    const scripts = group.map(({ statements, guard }) => ({
      guard,
      statements: statements.map(({ sql, parameters }) => {
        let n = numbers.get(sql);
        if (n === undefined) {
          numbers.set(sql, (n = numbers.size));
          texts.push([n, sql]);
        }
        if (parameters instanceof Float64Array) transfer.push(parameters.buffer as ArrayBuffer);
        return { n, parameters };
      }),
    }));
    thread.call<{ results: Array<WriteOutcome & { error?: string }> }>({ texts, scripts }, transfer).then(
      ({ results }) => results.forEach((r, i) => (r.error !== undefined ? group[i].reject(new Error(r.error)) : group[i].resolve({ committed: r.committed, returned: r.returned }))),
      (err: Error) => group.forEach((p) => p.reject(err)),
    ).finally(() => {
      busy = false;
      running = 0;
      if (waiting.length > 0) {
        // Exclusive sections asked for while the group ran go before the next group.
        exclusive += waiting.length;
        for (const go of waiting) go();
        waiting = [];
      } else {
        flush();
      }
    });
  };
  return {
    transaction(statements, guard) {
      return new Promise<WriteOutcome>((resolve, reject) => {
        queue.push({ statements, guard, resolve, reject });
        flush();
      });
    },
    async exclusive(fn) {
      if (busy) await new Promise<void>((go) => waiting.push(go));
      else exclusive++;
      try {
        return await fn();
      } finally {
        if (--exclusive === 0) flush();
      }
    },
    depth: () => queue.length + running,
    close: () => thread.close(),
  };
}
