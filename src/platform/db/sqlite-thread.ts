import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Worker-thread source that gives the thread alone a lower priority (Linux: nice 10), so that the
 * main thread, which answers every other request, gets a core first while the worker is busy.
 */
export const BACKGROUND_PRIORITY = `
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, 10);
} catch {}
`;

/** A thread running a database connection of its own: calls go in as messages, replies come back. */
export interface SqliteThread {
  /** Sends `message` (with `id` added) and resolves with the reply; `transfer` lists buffers moved, not copied. */
  call<R>(message: object, transfer?: ArrayBuffer[]): Promise<R>;
  close(): Promise<void>;
}

/**
 * Starts a thread from plain-JavaScript `source` (so that it runs the same from TypeScript sources
 * and from the build) with `workerData` { path, driver } (the better-sqlite3 module). The source
 * answers each message with a reply carrying the same `id`, or `{ id, error }`.
 */
export function startSqliteThread(source: string, path: string): SqliteThread {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(source, { eval: true, workerData: { path, driver } });
  // An idle thread does not keep the process alive.
  worker.unref();
  const pending = new Map<number, { resolve: (reply: never) => void; reject: (err: Error) => void }>();
  let next = 0;
  worker.on('message', (m: { id: number; error?: string }) => {
    const p = pending.get(m.id)!;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m as never);
  });
  // A thread that has died answers nothing more: what waits, and every later call, fails with why.
  let dead: Error | undefined;
  const fail = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`database thread exited (code ${code})`)));
  return {
    call<R>(message: object, transfer: ArrayBuffer[] = []) {
      return new Promise<R>((resolve, reject) => {
        if (dead) return reject(dead);
        const id = next++;
        pending.set(id, { resolve: resolve as (reply: never) => void, reject });
        worker.ref();
        worker.postMessage({ ...message, id }, transfer);
      });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
