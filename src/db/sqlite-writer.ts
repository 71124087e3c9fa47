import { BACKGROUND_PRIORITY, startSqliteThread } from './sqlite-thread.js';
import type { WriteGuard, WriteOutcome, WriteStatement } from './write-script.js';

/**
 * Runs write transactions on a connection of its own, off the main thread, one at a time in the
 * order they were asked for. Bulk writes (usage ingestion) use it so that their SQL runs on the
 * other core while the main thread goes on answering requests.
 */
export interface SqliteWriter {
  /** Runs the statements as one transaction (see runWriteScript). */
  transaction(statements: readonly WriteStatement[], guard?: WriteGuard): Promise<WriteOutcome>;
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
// so that the main connection, which does not, never copies pages on the main thread.
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
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const rollback = db.prepare('rollback');
parentPort.on('message', ({ id, texts: fresh, statements: list, guard }) => {
  for (const [n, sql] of fresh) texts.set(n, sql);
  try {
    const returned = [];
    begin.run();
    try {
      for (let i = 0; i < list.length; i++) {
        const stmt = prepare(list[i].n);
        if (guard && i < guard.statements) {
          for (const row of stmt.all(...list[i].parameters)) returned.push(row);
          if (i === guard.statements - 1 && returned.length !== guard.rows) {
            rollback.run();
            parentPort.postMessage({ id, committed: false, returned });
            return;
          }
        } else {
          stmt.run(...list[i].parameters);
        }
      }
      commit.run();
    } catch (err) {
      if (db.inTransaction) rollback.run();
      throw err;
    }
    parentPort.postMessage({ id, committed: true, returned: guard && guard.keep ? returned : [] });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

/** Starts a writer thread on the database file at `path`. */
export function openSqliteWriter(path: string): SqliteWriter {
  const thread = startSqliteThread(WORKER_SOURCE, path);
  const numbers = new Map<string, number>();
  return {
    async transaction(statements, guard) {
      // Texts the thread has not seen go along once; numeric parameters move to the thread (their
      // buffers are transferred, not copied).
      const texts: Array<[number, string]> = [];
      const transfer: ArrayBuffer[] = [];
      const list = statements.map(({ sql, parameters }) => {
        let n = numbers.get(sql);
        if (n === undefined) {
          numbers.set(sql, (n = numbers.size));
          texts.push([n, sql]);
        }
        if (parameters instanceof Float64Array) transfer.push(parameters.buffer as ArrayBuffer);
        return { n, parameters };
      });
      const { committed, returned } = await thread.call<WriteOutcome>({ texts, statements: list, guard }, transfer);
      return { committed, returned };
    },
    close: () => thread.close(),
  };
}
