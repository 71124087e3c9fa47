import { CompiledQuery, sql } from 'kysely';
import type { DialectName } from '../../../db/database.js';
import type { Executor } from '../../../shared/context.js';
import { COUNTERS, type Counter, type Dimension } from './kinds.js';

export type RollupTable = 'usage_1m' | 'usage_1h' | 'usage_1d' | 'usage_projects_1h' | 'usage_projects_1d';
export type CostTable = 'usage_costs_1d' | 'usage_costs_projects_1d';

/** Column order of rollup rows as the ingestion builds them: key columns, then every counter. */
export const ROLLUP_KEY = ['kind', 'bucket_start', 'batch', 'project_id', 'user_id', 'api_key_id', 'model', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'] as const;
export const COST_COLUMNS = ['project_id', 'bucket_start', 'api_key_id', 'line_item', 'quantity_unit', 'amount', 'quantity'] as const;
const RECORD_COLUMNS = ['id', 'kind', 'ts', 'project_id', 'received_at', 'record'] as const;

// Bulk writes are multi-row statements of a few fixed sizes, so the SQL text of each repeats
// (the SQLite connection caches prepared statements by text) and stays within the dialects'
// parameter limits. Their text is built once, here, rather than by the query builder per row.
const CHUNKS = [500, 100, 20, 5, 1];
const texts = new Map<string, string>();

function bulkText(dialect: DialectName, head: string, width: number, rows: number, tail: string): string {
  const key = `${dialect}:${head}:${rows}`;
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${Array.from({ length: width }, () => (dialect === 'postgres' ? `$${++n}` : '?')).join(',')})`;
    text = `${head} values ${Array.from({ length: rows }, tuple).join(',')} ${tail}`;
    texts.set(key, text);
  }
  return text;
}

/** Runs `head values (...),(...) tail` over `rows` in fixed-size chunks; yields to the event loop between chunks. */
async function bulk<R>(db: Executor, dialect: DialectName, head: string, tail: string, rows: unknown[][], collect?: (r: R[]) => void): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0].length;
  let i = 0;
  while (i < rows.length) {
    const size = CHUNKS.find((c) => c <= rows.length - i)!;
    const params: unknown[] = [];
    for (let j = i; j < i + size; j++) for (const v of rows[j]) params.push(v);
    const result = await db.executeQuery<R>(CompiledQuery.raw(bulkText(dialect, head, width, size, tail), params));
    collect?.(result.rows);
    i += size;
    if (i < rows.length) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Stores raw records, skipping IDs already present; returns the IDs actually inserted. */
export async function insertRecords(db: Executor, dialect: DialectName, rows: unknown[][]): Promise<Set<string>> {
  const inserted = new Set<string>();
  await bulk<{ id: string }>(db, dialect, `insert into usage_records (${RECORD_COLUMNS.join(',')})`, 'on conflict (id) do nothing returning id', rows, (r) => {
    for (const row of r) inserted.add(row.id);
  });
  return inserted;
}

/** Adds rows (ROLLUP_KEY then COUNTERS) into a rollup: new keys are inserted, existing ones summed. */
export async function upsertRollup(db: Executor, dialect: DialectName, table: RollupTable, rows: unknown[][]): Promise<void> {
  const columns = [...ROLLUP_KEY, ...COUNTERS];
  const key = ROLLUP_KEY.join(',');
  const set = COUNTERS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  await bulk(db, dialect, `insert into ${table} (${columns.join(',')})`, `on conflict (${key}) do update set ${set}`, rows);
}

export async function upsertCosts(db: Executor, dialect: DialectName, table: CostTable, rows: unknown[][]): Promise<void> {
  const set = `amount = ${table}.amount + excluded.amount, quantity = ${table}.quantity + excluded.quantity`;
  await bulk(db, dialect, `insert into ${table} (${COST_COLUMNS.join(',')})`, `on conflict (bucket_start, project_id, line_item, api_key_id) do update set ${set}`, rows);
}

export async function existingProjectIds(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('projects').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export interface RollupQuery {
  kind: string;
  from: number;
  to: number;
  groupBy: readonly Dimension[];
  counters: readonly Counter[];
  filters: ReadonlyArray<{ column: Dimension; values: readonly (string | number)[] }>;
}

export type RollupRow = { bucket_start: number } & Partial<Record<Dimension, string | number>> & Record<Counter, number>;

/** Sums counters per bucket and group over `[from, to)`; rows ordered by bucket then group. */
export async function queryRollup(db: Executor, table: RollupTable, q: RollupQuery): Promise<RollupRow[]> {
  const keys = ['bucket_start', ...q.groupBy];
  let query = db
    .selectFrom(table)
    .select(keys.map((k) => sql.ref<string>(k).as(k)))
    .select(q.counters.map((c) => sql<number>`sum(${sql.ref(c)})`.as(c)))
    .where('kind', '=', q.kind)
    .where('bucket_start', '>=', q.from)
    .where('bucket_start', '<', q.to);
  for (const f of q.filters) query = query.where(sql.ref(f.column), 'in', f.values);
  for (const k of keys) query = query.orderBy(sql.ref(k));
  const rows = await query.groupBy(keys.map((k) => sql.ref(k))).execute();
  return rows as unknown as RollupRow[];
}

export interface CostQuery {
  from: number;
  to: number;
  groupBy: ReadonlyArray<'project_id' | 'line_item' | 'api_key_id'>;
  filters: ReadonlyArray<{ column: 'project_id' | 'api_key_id'; values: readonly string[] }>;
}

export interface CostRow {
  bucket_start: number;
  project_id?: string;
  api_key_id?: string;
  line_item?: string;
  quantity_unit: string;
  amount: number;
  quantity: number;
}

export async function queryCosts(db: Executor, table: CostTable, q: CostQuery): Promise<CostRow[]> {
  const keys = ['bucket_start', ...q.groupBy];
  let query = db
    .selectFrom(table)
    .select(keys.map((k) => sql.ref<string>(k).as(k)))
    .select([
      sql<number>`sum(amount)`.as('amount'),
      sql<number>`sum(quantity)`.as('quantity'),
      sql<string>`max(quantity_unit)`.as('quantity_unit'),
    ])
    .where('bucket_start', '>=', q.from)
    .where('bucket_start', '<', q.to);
  for (const f of q.filters) query = query.where(sql.ref(f.column), 'in', f.values);
  for (const k of keys) query = query.orderBy(sql.ref(k));
  const rows = await query.groupBy(keys.map((k) => sql.ref(k))).execute();
  return rows as unknown as CostRow[];
}
