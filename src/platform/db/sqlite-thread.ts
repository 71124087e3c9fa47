import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Gives the calling thread alone a lower priority (Linux: nice 10), so that the main thread, which
 * answers every other request, gets a core first while a database thread is busy. Called by each
 * database thread when it starts; where the priority cannot be set, nothing changes.
 */
export function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, 10);
  } catch {
    // not Linux, or not allowed
  }
}

/** A thread running a database connection of its own: calls go in as messages, replies come back. */
export interface SqliteThread {
  /** Sends `message` (with `id` added) and resolves with the reply; `transfer` lists buffers moved, not copied. */
  call<R>(message: object, transfer?: ArrayBuffer[]): Promise<R>;
  close(): Promise<void>;
}

/**
 * The thread of a worker module of this folder (`sqlite-reader-worker`, `sqlite-writer-worker`),
 * with `workerData` { path }. Run from the build, the module is JavaScript; run from the
 * TypeScript sources (through tsx), the thread registers tsx's loader before loading it.
 */
function workerOf(module: string, path: string): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(`./${module}${fromSources ? '.ts' : '.js'}`, import.meta.url);
  if (!fromSources) return new Worker(url, { workerData: { path } });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true, workerData: { path } });
}

/**
 * Starts a database thread on the file at `path`: the worker module `module` of this folder, or
 * (tests) `{ source }`, plain JavaScript. The thread answers each message with a reply carrying
 * the same `id`, or `{ id, error }`.
 */
export function startSqliteThread(module: string | { source: string }, path: string): SqliteThread {
  const worker = typeof module === 'string' ? workerOf(module, path) : new Worker(module.source, { eval: true, workerData: { path } });
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
