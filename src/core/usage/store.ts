import { CompiledQuery } from 'kysely';
import type { DialectName } from '../../platform/db/database.js';
import type { WriteStatement } from '../../platform/db/write-script.js';
import type { AppContext, Executor } from '../../platform/context.js';
import { yieldToEventLoop } from '../../platform/yield.js';
import { COUNTERS, type Counter, type Dimension } from './kinds.js';

export type RollupTable = 'usage_1m' | 'usage_1h' | 'usage_1d' | 'usage_projects_1h' | 'usage_projects_1d';
export type CostTable = 'usage_costs_1d' | 'usage_costs_projects_1d';

/** The columns of a dimension tuple (usage_dims), in the order the ingestion builds tuples. */
export const DIM_COLUMNS = ['kind', 'project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'] as const;
/** The columns of a cost item tuple (usage_cost_items). */
export const COST_ITEM_COLUMNS = ['project_id', 'api_key_id', 'line_item', 'quantity_unit'] as const;

// Bulk writes are multi-row statements of a few fixed sizes, so the SQL text of each repeats
// (the SQLite connection caches prepared statements by text) and stays within the dialects'
// parameter limits. Their text is built once, here, rather than by the query builder per row.
const CHUNKS = [500, 100, 20, 5, 1];
const texts = new Map<string, string>();

/** `head values tuple,tuple,... tail` for `rows` rows; `tuple` is the SQL of one row, `?` standing for a parameter. */
function bulkText(dialect: DialectName, head: string, tuple: string, rows: number, tail: string): string {
  const key = `${dialect}:${head}:${tuple}:${rows}`;
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const one = () => (dialect === 'postgres' ? tuple.replace(/\?/g, () => `$${++n}`) : tuple);
    text = `${head} values ${Array.from({ length: rows }, one).join(',')} ${tail}`;
    texts.set(key, text);
  }
  return text;
}

const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(',')})`;

/** Statements for `count` rows in fixed-size chunks: `make(first, size)` makes the one for rows `first` to `first + size - 1`. */
function chunked(count: number, make: (first: number, size: number) => WriteStatement): WriteStatement[] {
  const out: WriteStatement[] = [];
  for (let i = 0; i < count;) {
    const size = CHUNKS.find((c) => c <= count - i)!;
    out.push(make(i, size));
    i += size;
  }
  return out;
}

/** The statements writing `rows` as `head values (...),(...) tail`. */
function bulk(dialect: DialectName, head: string, tail: string, rows: readonly (readonly unknown[])[], tuple = placeholders(rows[0]?.length ?? 0)): WriteStatement[] {
  return chunked(rows.length, (first, size) => ({ sql: bulkText(dialect, head, tuple, size, tail), parameters: rows.slice(first, first + size).flat() }));
}

/**
 * The same for rows of numbers only, given one after the other in `packed` (`width` each): each
 * statement's parameters are a Float64Array (handed to the SQLite writer thread without copying).
 */
function bulkPacked(dialect: DialectName, head: string, tail: string, tuple: string, packed: Float64Array, width: number): WriteStatement[] {
  return chunked(packed.length / width, (first, size) => ({ sql: bulkText(dialect, head, tuple, size, tail), parameters: packed.slice(first * width, (first + size) * width) }));
}

/** Statements storing record IDs, skipping those already present; each returns the IDs it inserted. */
export function recordStatements(dialect: DialectName, ids: readonly string[], receivedAt: number): WriteStatement[] {
  return chunked(ids.length, (first, size) => {
    const parameters = new Array<unknown>(size * 2);
    for (let j = 0; j < size; j++) {
      parameters[2 * j] = ids[first + j];
      parameters[2 * j + 1] = receivedAt;
    }
    return { sql: bulkText(dialect, 'insert into usage_records (id, received_at)', '(?, ?)', size, 'on conflict (id) do nothing returning id'), parameters };
  });
}

/**
 * Statements numbering tuples of a dimension table (usage_dims or usage_cost_items), new ones and
 * known ones alike; each returns its tuples as `id, ...columns`. (The no-op update makes
 * RETURNING yield known tuples too.)
 */
export function numberingStatements(dialect: DialectName, table: 'usage_dims' | 'usage_cost_items', tuples: unknown[][]): WriteStatement[] {
  const columns = table === 'usage_dims' ? DIM_COLUMNS : COST_ITEM_COLUMNS;
  return bulk(
    dialect, `insert into ${table} (${columns.join(', ')})`,
    `on conflict (${columns.join(', ')}) do update set ${columns[0]} = excluded.${columns[0]} returning id, ${columns.join(', ')}`,
    tuples,
  );
}

/** Every tuple of a dimension table: its number, and its columns joined by `separator`. */
export async function allTuples(ctx: AppContext, table: 'usage_dims' | 'usage_cost_items', separator: string): Promise<Array<[number, string]>> {
  const columns = table === 'usage_dims' ? DIM_COLUMNS : COST_ITEM_COLUMNS;
  if (ctx.reader) {
    // SQLite: read on the reader thread, the key written by SQL (batch, an integer, as its digits).
    const { keys, ends, buffer } = await ctx.reader.keyedTexts(`select id, ${columns.join(` || char(${separator.charCodeAt(0)}) || `)} from ${table}`, []);
    const tuples = new Array<[number, string]>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (i % 5000 === 4999) await yieldToEventLoop();
      tuples[i] = [keys[i], buffer.toString('utf8', i === 0 ? 0 : ends[i - 1], ends[i])];
    }
    return tuples;
  }
  const { rows } = await ctx.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`select id, ${columns.join(', ')} from ${table}`, []));
  return rows.map((r) => [Number(r.id), columns.map((c) => String(r[c])).join(separator)]);
}

/**
 * Statements adding rows of one kind, `kind, bucket_start, dim_id, ...counters` one after the other
 * in `packed`, with the kind's `counters` in storage order (COUNTERS), into a rollup: new keys are
 * inserted, existing ones summed. The other counters of a new row are 0, written into the SQL
 * rather than bound.
 */
export function rollupStatements(dialect: DialectName, table: RollupTable, counters: readonly Counter[], packed: Float64Array): WriteStatement[] {
  const set = counters.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  const tuple = `(?, ?, ?, ${COUNTERS.map((c) => (counters.includes(c) ? '?' : '0')).join(', ')})`;
  return bulkPacked(dialect, `insert into ${table} (kind, bucket_start, dim_id, ${COUNTERS.join(', ')})`, `on conflict (kind, bucket_start, dim_id) do update set ${set}`, tuple, packed, 3 + counters.length);
}

/** Statements adding rows `bucket_start, item_id, amount, quantity`, one after the other in `packed`, into a cost rollup. */
export function costStatements(dialect: DialectName, table: CostTable, packed: Float64Array): WriteStatement[] {
  const set = `amount = ${table}.amount + excluded.amount, quantity = ${table}.quantity + excluded.quantity`;
  return bulkPacked(dialect, `insert into ${table} (bucket_start, item_id, amount, quantity)`, `on conflict (bucket_start, item_id) do update set ${set}`, placeholders(4), packed, 4);
}

/** Statements bumping the version of each of these days (their rollups change). */
export function dayVersionStatements(dialect: DialectName, days: readonly number[]): WriteStatement[] {
  return bulk(dialect, 'insert into usage_day_versions (day_start, version)', 'on conflict (day_start) do update set version = usage_day_versions.version + 1', days.map((d) => [d]), '(?, 1)');
}

/** The versions of the days in `[from, to)` that have one (a day never ingested into has none: version 0). */
export async function dayVersions(db: Executor, from: number, to: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('usage_day_versions').select(['day_start', 'version']).where('day_start', '>=', from).where('day_start', '<', to).execute();
  return new Map(rows.map((r) => [Number(r.day_start), Number(r.version)]));
}

export async function existingProjectIds(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('projects').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

// ---- Reads ----
// A query sums a rollup per bucket and group over [from, to), joined with its dimension table.
// The database also writes each result's JSON and joins a bucket's results, so that little is
// left for JavaScript (no row objects: a heavy question's tens of thousands of rows would take the
// main thread hundreds of milliseconds to parse and convert); on SQLite the query runs on the
// reader thread when there is one.

/** SQL text pieces and parameters of a query, appended in order. */
class Sql {
  text = '';
  readonly params: unknown[] = [];
  constructor(private readonly dialect: DialectName) {}
  add(text: string, ...params: unknown[]): this {
    for (const p of params) {
      this.params.push(p);
      text = text.replace('?', this.dialect === 'postgres' ? `$${this.params.length}` : '\u0000');
    }
    this.text += text.replaceAll('\u0000', '?');
    return this;
  }
  in(column: string, values: readonly unknown[]): this {
    return this.add(` and ${column} in (${values.map(() => '?').join(', ')})`, ...values);
  }
}

/** A piece of a result's JSON: literal text, or an SQL expression giving JSON text. */
export type JsonPart = { text: string } | { sql: string };

/** SQL concatenating JSON pieces into one text value (literals merged, quoted as SQL strings). */
function concat(parts: readonly JsonPart[]): string {
  const out: string[] = [];
  let literal = '';
  for (const p of parts) {
    if ('text' in p) {
      literal += p.text;
    } else {
      if (literal) out.push(`'${literal.replaceAll("'", "''")}'`);
      literal = '';
      out.push(`(${p.sql})`);
    }
  }
  if (literal) out.push(`'${literal.replaceAll("'", "''")}'`);
  return out.join(' || ');
}

/** SQL writing a text column as a JSON string (as JSON.stringify does). */
export const jsonString = (dialect: DialectName, column: string): string => (dialect === 'postgres' ? `to_json(${column})::text` : `json_quote(${column})`);

/** JSON text of a text column: null for '' (a dimension that does not apply). */
export const jsonText = (dialect: DialectName, column: string): string => `case when ${column} = '' then 'null' else ${jsonString(dialect, column)} end`;

export interface GroupedQuery {
  /** The grouped rows: bucket_start, then the group keys, then the sums. */
  sql: Sql;
  /** Group keys, in result order. */
  keys: readonly string[];
}

/** Runs a grouped query; the database writes each row as JSON (`item`) and joins each bucket's results: per bucket, the JSON array as UTF-8. */
async function runGrouped(ctx: AppContext, q: GroupedQuery, item: readonly JsonPart[]): Promise<Map<number, Buffer>> {
  const order = q.keys.map((k) => `g.${k}`).join(', ');
  const join = ctx.dialect === 'postgres' ? 'string_agg' : 'group_concat';
  const text = `select g.bucket_start, '[' || ${join}(${concat(item)}, ','${order ? ` order by ${order}` : ''}) || ']' from (${q.sql.text}) g group by g.bucket_start order by g.bucket_start`;
  const json = new Map<number, Buffer>();
  if (ctx.reader) {
    const { keys, ends, buffer } = await ctx.reader.keyedTexts(text, q.sql.params);
    for (let i = 0; i < keys.length; i++) json.set(keys[i], buffer.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
  } else {
    const { rows } = await ctx.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, q.sql.params));
    for (const r of rows) {
      const [start, list] = Object.values(r);
      json.set(Number(start), Buffer.from(String(list)));
    }
  }
  return json;
}

export interface RollupQuery {
  kind: number;
  from: number;
  to: number;
  groupBy: readonly Dimension[];
  counters: readonly Counter[];
  filters: ReadonlyArray<{ column: Dimension; values: readonly (string | number)[] }>;
}

/** Sums counters per bucket and group over `[from, to)`; `item` writes a result (columns: the group keys and counters). */
export function queryRollup(ctx: AppContext, table: RollupTable, q: RollupQuery, item: readonly JsonPart[]): Promise<Map<number, Buffer>> {
  const sql = new Sql(ctx.dialect).add(
    `select r.bucket_start as bucket_start${q.groupBy.map((d) => `, d.${d} as ${d}`).join('')}${q.counters.map((c) => `, sum(r.${c}) as ${c}`).join('')}` +
      ` from ${table} r join usage_dims d on d.id = r.dim_id where r.kind = ? and r.bucket_start >= ? and r.bucket_start < ?`,
    q.kind, q.from, q.to,
  );
  for (const f of q.filters) sql.in(`d.${f.column}`, f.values);
  sql.add(` group by r.bucket_start${q.groupBy.map((d) => `, d.${d}`).join('')}`);
  return runGrouped(ctx, { sql, keys: q.groupBy }, item);
}

export interface CostQuery {
  from: number;
  to: number;
  groupBy: ReadonlyArray<'project_id' | 'line_item' | 'api_key_id'>;
  filters: ReadonlyArray<{ column: 'project_id' | 'api_key_id'; values: readonly string[] }>;
}

/** Sums costs per bucket and group; columns: the group keys, amount, quantity, quantity_unit. */
export function queryCosts(ctx: AppContext, table: CostTable, q: CostQuery, item: readonly JsonPart[]): Promise<Map<number, Buffer>> {
  const sql = new Sql(ctx.dialect).add(
    `select c.bucket_start as bucket_start${q.groupBy.map((k) => `, i.${k} as ${k}`).join('')}, sum(c.amount) as amount, sum(c.quantity) as quantity, max(i.quantity_unit) as quantity_unit` +
      ` from ${table} c join usage_cost_items i on i.id = c.item_id where c.bucket_start >= ? and c.bucket_start < ?`,
    q.from, q.to,
  );
  for (const f of q.filters) sql.in(`i.${f.column}`, f.values);
  sql.add(` group by c.bucket_start${q.groupBy.map((k) => `, i.${k}`).join('')}`);
  return runGrouped(ctx, { sql, keys: q.groupBy }, item);
}
