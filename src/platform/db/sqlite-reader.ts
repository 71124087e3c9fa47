import { startSqliteThread } from './sqlite-thread.js';

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
 * Runs read-only queries on a connection of its own, off the main thread (sqlite-reader-worker.ts). The thread encodes the
 * texts and hands their buffer over (moved, not copied), so that a large answer costs the main
 * thread next to nothing.
 */
export interface SqliteReader {
  keyedTexts(query: string, params: readonly unknown[]): Promise<KeyedTexts>;
  close(): Promise<void>;
}

/** Starts a reader thread on the database file at `path`. */
export function openSqliteReader(path: string): SqliteReader {
  const thread = startSqliteThread('sqlite-reader-worker', path);
  return {
    async keyedTexts(query, params) {
      const { keys, ends, buffer } = await thread.call<{ keys: number[]; ends: number[]; buffer: ArrayBuffer }>({ query, params });
      return { keys, ends, buffer: Buffer.from(buffer) };
    },
    close: () => thread.close(),
  };
}
