import { startSqliteThread } from './sqlite-thread.js';
import type { WriteGuard, WriteOutcome, WriteStatement } from './write-script.js';

/**
 * Runs write transactions on a connection of its own, off the main thread, in the order they were
 * asked for. Bulk writes (usage ingestion) use it so that their SQL runs on the other core while
 * the main thread goes on answering requests (sqlite-writer-worker.ts).
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

interface Pending {
  statements: readonly WriteStatement[];
  guard?: WriteGuard;
  resolve: (outcome: WriteOutcome) => void;
  reject: (err: Error) => void;
}

/** Starts a writer thread on the database file at `path`. */
export function openSqliteWriter(path: string): SqliteWriter {
  const thread = startSqliteThread('sqlite-writer-worker', path);
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
