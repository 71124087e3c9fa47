import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from './db/schema.js';
import { badRequest } from './errors.js';

/** Tables whose rows have `id` and `seq` and can be paged by object ID. */
export type PageableTable = {
  [K in keyof DB]: DB[K] extends { id: string; seq: unknown } ? K : never;
}[keyof DB];

export interface PageRequest {
  limit: number;
  after?: string;
  before?: string;
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** Wraps items in OpenAI's cursor-list envelope. */
export function listEnvelope<T>(data: T[], hasMore: boolean, idOf: (item: T) => string = (i) => (i as { id: string }).id): Page<T> {
  return {
    object: 'list',
    data,
    first_id: data.length ? idOf(data[0]) : null,
    last_id: data.length ? idOf(data[data.length - 1]) : null,
    has_more: hasMore,
  };
}

/** The 400 of a cursor (an object ID) that is not in the list. */
const unknownCursor = (param: string, id: string) => badRequest(`Invalid '${param}': no object with ID '${id}' in this list.`, param, 'invalid_cursor');

/** Resolves a cursor (an object ID) to its position; unknown cursors are a 400 naming the parameter. */
export async function cursorSeq(db: Kysely<DB>, table: PageableTable, id: string, param: string): Promise<number> {
  const row = await (db as Kysely<any>).selectFrom(table).select('seq').where('id', '=', id).executeTakeFirst();
  if (!row) throw unknownCursor(param, id);
  return Number(row.seq);
}

/**
 * Runs one page of `query` in creation (`seq`) order.
 * `seqRef` is the seq column as the query names it (e.g. `projects.seq`), `cursorTable` the table the
 * cursor IDs belong to. `order: 'desc'` lists newest first. Returns rows plus whether more remain
 * in the direction of travel.
 */
export async function pageBySeq<Row>(
  db: Kysely<DB>,
  query: SelectQueryBuilder<any, any, Row>,
  opts: PageRequest & { seqRef: string; cursorTable: PageableTable },
): Promise<{ rows: Row[]; hasMore: boolean }> {
  const desc = opts.order === 'desc';
  let q = query as SelectQueryBuilder<any, any, Row>;
  const ref = sql.ref(opts.seqRef);
  if (opts.after !== undefined) {
    const seq = await cursorSeq(db, opts.cursorTable, opts.after, 'after');
    q = q.where(ref, desc ? '<' : '>', seq);
  }
  // With `before`, walk backwards from the cursor, then restore the list order.
  const backwards = opts.before !== undefined && opts.after === undefined;
  if (opts.before !== undefined) {
    const seq = await cursorSeq(db, opts.cursorTable, opts.before, 'before');
    q = q.where(ref, desc ? '>' : '<', seq);
  }
  const ascending = desc === backwards;
  const rows = await q.orderBy(ref, ascending ? 'asc' : 'desc').limit(opts.limit + 1).execute();
  const hasMore = rows.length > opts.limit;
  if (hasMore) rows.pop();
  if (backwards) rows.reverse();
  return { rows, hasMore };
}

/**
 * One page of a list held in memory, in its order, with the cursors of pageBySeq (`after`,
 * `before`: object IDs of the list; with only `before`, the page just before it).
 */
export function pageArray<T>(items: readonly T[], idOf: (item: T) => string, page: { limit: number; after?: string; before?: string }): { rows: T[]; hasMore: boolean } {
  const position = (id: string, param: 'after' | 'before') => {
    const index = items.findIndex((item) => idOf(item) === id);
    if (index < 0) throw unknownCursor(param, id);
    return index;
  };
  const start = page.after === undefined ? 0 : position(page.after, 'after') + 1;
  const end = page.before === undefined ? items.length : position(page.before, 'before');
  const window = items.slice(start, Math.max(start, end));
  const backwards = page.before !== undefined && page.after === undefined;
  const rows = backwards ? window.slice(Math.max(0, window.length - page.limit)) : window.slice(0, page.limit);
  return { rows, hasMore: window.length > page.limit };
}

export interface NextPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next: string | null;
}

/** The list envelope whose cursor is `next`: the ID to pass as `after` for the following page. */
export function nextListEnvelope<T>(data: T[], hasMore: boolean, idOf: (item: T) => string = (i) => (i as { id: string }).id): NextPage<T> {
  return { object: 'list', data, has_more: hasMore, next: hasMore && data.length ? idOf(data[data.length - 1]) : null };
}
