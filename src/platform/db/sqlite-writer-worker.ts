// The writer thread (see sqlite-writer.ts): its own connection with the same durability as the main
// one (WAL, synchronous=FULL), a statement cache, one transaction at a time.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { lowerThreadPriority } from './sqlite-thread.js';
import { scriptSteps, type StepResult, type WriteGuard, type WriteOutcome } from './write-script.js';

lowerThreadPriority();
const db = new SQLite((workerData as { path: string }).path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
// This connection checkpoints the WAL: after its own commits (autocheckpoint) and every few seconds,
// so that the main connection, which does not, never copies pages on the event loop. Once the WAL
// holds 10,000 pages (~40 MB) rather than SQLite's 1,000: a batch dirties thousands of pages, many
// of them the same rollup rows of today as the batches before (copied back once per checkpoint,
// not once per commit).
db.pragma('wal_autocheckpoint = 10000');
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), 5000).unref();

// Statement texts are sent once each and numbered; later scripts name them by number.
const texts = new Map<number, string>();
const statements = new Map<number, SQLite.Statement>();
const prepare = (n: number) => {
  let stmt = statements.get(n);
  if (!stmt) {
    stmt = db.prepare(texts.get(n)!);
    if (stmt.reader) stmt.raw(true);
    statements.set(n, stmt);
  }
  return stmt;
};
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const rollback = db.prepare('rollback');
const control = { savepoint: db.prepare('savepoint script'), rollback: db.prepare('rollback to script'), release: db.prepare('release script') };

interface Script {
  statements: Array<{ n: number; parameters: unknown[] | Float64Array }>;
  guard?: WriteGuard;
}

/**
 * Runs one script inside the open transaction, step by step as scriptSteps (the guard rule) says.
 * Parameters go in by apply, not spread: a Float64Array of thousands of parameters spread goes
 * through the iterator protocol, apply reads it by index.
 */
function runScript({ statements: list, guard }: Script): WriteOutcome {
  const steps = scriptSteps(list.length, guard);
  let next = steps.next();
  while (!next.done) {
    const step = next.value;
    let result: StepResult | undefined;
    if (step.op === 'run') {
      const stmt = prepare(list[step.index].n);
      const parameters = list[step.index].parameters as unknown[];
      if (step.rows) {
        const rows = stmt.all.apply(stmt, parameters) as unknown[][];
        result = { changes: rows.length, rows };
      } else {
        result = { changes: stmt.run.apply(stmt, parameters).changes };
      }
    } else {
      control[step.op].run();
    }
    next = steps.next(result);
  }
  return next.value;
}

parentPort!.on('message', ({ id, texts: fresh, scripts }: { id: number; texts: Array<[number, string]>; scripts: Script[] }) => {
  for (const [n, sql] of fresh) texts.set(n, sql);
  const results: Array<WriteOutcome | { error: string }> = [];
  try {
    begin.run();
    for (const script of scripts) {
      try {
        results.push(runScript(script));
      } catch (err) {
        // An error the transaction survives undoes this script alone; one that ended it fails the group.
        if (!db.inTransaction) throw err;
        control.rollback.run();
        control.release.run();
        results.push({ error: err instanceof Error ? err.message : String(err) });
      }
    }
    commit.run();
    parentPort!.postMessage({ id, results });
  } catch (err) {
    if (db.inTransaction) rollback.run();
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
