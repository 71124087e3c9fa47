import { CompiledQuery } from 'kysely';
import type { Database, Executor, SqlSyntax, WriteStatement } from '../../platform/db/database.js';
import { yieldToEventLoop } from '../../platform/yield.js';
import { COUNTERS, type Counter, type Dimension, type KindSpec, outputCounters } from './kinds.js';

export type RollupTable = 'usage_1m' | 'usage_1h' | 'usage_1d' | 'usage_projects_1h' | 'usage_projects_1d';
export type CostTable = 'usage_costs_1d' | 'usage_costs_projects_1d';

/** The columns of a dimension tuple (usage_dims), in the order the ingestion builds tuples. */
export const DIM_COLUMNS = ['kind', 'project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'] as const;
/** The columns of a cost item tuple (usage_cost_items). */
export const COST_ITEM_COLUMNS = ['project_id', 'api_key_id', 'line_item', 'quantity_unit'] as const;

// Bulk writes are multi-row statements of a few fixed sizes, so the SQL text of each repeats
// (the database caches prepared statements by text) and stays within the databases' parameter
// limits. Their text is built once, here, rather than by the query builder per row.
const CHUNKS = [500, 100, 20, 5, 1];

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

/** A grouped query: the rows (bucket_start, then the group keys, then the sums) and its group keys, in result order. */
interface GroupedQuery {
  sql: Sql;
  keys: readonly string[];
}

/** SQL text pieces and parameters of a query, appended in order. */
class Sql {
  text = '';
  readonly params: unknown[] = [];
  constructor(private readonly syntax: SqlSyntax) {}
  add(text: string, ...params: unknown[]): this {
    this.text += this.syntax.numbered(text, this.params.length + 1);
    this.params.push(...params);
    return this;
  }
  in(column: string, values: readonly unknown[]): this {
    return this.add(` and ${column} in (${values.map(() => '?').join(', ')})`, ...values);
  }
}

/** A piece of a result's JSON: literal text, or an SQL expression giving JSON text. */
type JsonPart = { text: string } | { sql: string };

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

export interface RollupQuery {
  kind: number;
  from: number;
  to: number;
  groupBy: readonly Dimension[];
  filters: ReadonlyArray<{ column: Dimension; values: readonly (string | number)[] }>;
}

export interface CostQuery {
  from: number;
  to: number;
  groupBy: ReadonlyArray<'project_id' | 'line_item' | 'api_key_id'>;
  filters: ReadonlyArray<{ column: 'project_id' | 'api_key_id'; values: readonly string[] }>;
}

/** Completions counters derived from the stored ones (the spec's uncached and text breakdowns), in SQL. */
const COMPLETIONS_DERIVED_SQL: Record<string, string> = {
  input_uncached_tokens: 'g.input_tokens - g.input_cached_tokens - g.input_cache_write_tokens',
  input_text_tokens: 'g.input_tokens - g.input_cached_tokens - g.input_cache_write_tokens - g.input_audio_tokens - g.input_image_tokens',
  input_cached_text_tokens: 'g.input_cached_tokens - g.input_cached_audio_tokens - g.input_cached_image_tokens',
  output_text_tokens: 'g.output_tokens - g.output_audio_tokens - g.output_image_tokens',
};

/** Amounts are sums of per-line prices; rounding hides floating-point noise beyond a billionth of a cent. */
const USD_DECIMALS = 11;

/**
 * The usage tables: the statements the ingestion writes, and the reads of the usage and costs
 * endpoints. A read sums a rollup per bucket and group over [from, to), joined with its dimension
 * table; the database also writes each result's JSON and joins a bucket's results, so that little
 * is left for JavaScript (no row objects: a heavy question's tens of thousands of rows would take
 * the event loop hundreds of milliseconds to parse and convert). One per database (createCore).
 */
export class UsageStore {
  private readonly sql: SqlSyntax;
  /** Texts of bulk statements, by shape. */
  private readonly texts = new Map<string, string>();
  /** The JSON of a cost result, by grouping (see costJson). */
  private readonly costItems = new Map<string, JsonPart[]>();

  constructor(private readonly database: Database) {
    this.sql = database.sql;
  }

  /** `head values tuple,tuple,... tail` for `rows` rows; `tuple` is the SQL of one row, `?` standing for a parameter. */
  private bulkText(head: string, tuple: string, rows: number, tail: string): string {
    const key = `${head}:${tuple}:${rows}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.sql.numbered(`${head} values ${Array.from({ length: rows }, () => tuple).join(',')} ${tail}`);
      this.texts.set(key, text);
    }
    return text;
  }

  /** The statements writing `rows` as `head values (...),(...) tail`. */
  private bulk(head: string, tail: string, rows: readonly (readonly unknown[])[], tuple = placeholders(rows[0]?.length ?? 0)): WriteStatement[] {
    return chunked(rows.length, (first, size) => ({ sql: this.bulkText(head, tuple, size, tail), parameters: rows.slice(first, first + size).flat() }));
  }

  /**
   * The same for rows of numbers only, given one after the other in `packed` (`width` each): each
   * statement's parameters are a Float64Array (handed to a bulk-write connection without copying).
   */
  private bulkPacked(head: string, tail: string, tuple: string, packed: Float64Array, width: number): WriteStatement[] {
    return chunked(packed.length / width, (first, size) => ({ sql: this.bulkText(head, tuple, size, tail), parameters: packed.slice(first * width, (first + size) * width) }));
  }

  /** Runs a script of statements as one transaction (see Database.runScript). */
  runScript(...args: Parameters<Database['runScript']>): ReturnType<Database['runScript']> {
    return this.database.runScript(...args);
  }

  /** Statements storing record IDs, skipping those already present; each returns the IDs it inserted. */
  recordStatements(ids: readonly string[], receivedAt: number): WriteStatement[] {
    return chunked(ids.length, (first, size) => {
      const parameters = new Array<unknown>(size * 2);
      for (let j = 0; j < size; j++) {
        parameters[2 * j] = ids[first + j];
        parameters[2 * j + 1] = receivedAt;
      }
      return { sql: this.bulkText('insert into usage_records (id, received_at)', '(?, ?)', size, 'on conflict (id) do nothing returning id'), parameters };
    });
  }

  /**
   * Statements numbering tuples of a dimension table (usage_dims or usage_cost_items), new ones and
   * known ones alike; each returns its tuples as `id, ...columns`. (The no-op update makes
   * RETURNING yield known tuples too.)
   */
  numberingStatements(table: 'usage_dims' | 'usage_cost_items', tuples: unknown[][]): WriteStatement[] {
    const columns = table === 'usage_dims' ? DIM_COLUMNS : COST_ITEM_COLUMNS;
    return this.bulk(
      `insert into ${table} (${columns.join(', ')})`,
      `on conflict (${columns.join(', ')}) do update set ${columns[0]} = excluded.${columns[0]} returning id, ${columns.join(', ')}`,
      tuples,
    );
  }

  /** Every tuple of a dimension table: its number, and its columns joined by `separator` (written by SQL; batch, an integer, as its digits). */
  async allTuples(table: 'usage_dims' | 'usage_cost_items', separator: string): Promise<Array<[number, string]>> {
    const columns = table === 'usage_dims' ? DIM_COLUMNS : COST_ITEM_COLUMNS;
    const { keys, ends, buffer } = await this.database.keyedTexts(`select id, ${columns.map((c) => `${c}`).join(` || ${this.sql.char(separator.charCodeAt(0))} || `)} from ${table}`, []);
    const tuples = new Array<[number, string]>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (i % 5000 === 4999) await yieldToEventLoop();
      tuples[i] = [keys[i], buffer.toString('utf8', i === 0 ? 0 : ends[i - 1], ends[i])];
    }
    return tuples;
  }

  /**
   * Statements adding rows of one kind, `kind, bucket_start, dim_id, ...counters` one after the other
   * in `packed`, with the kind's `counters` in storage order (COUNTERS), into a rollup: new keys are
   * inserted, existing ones summed. The other counters of a new row are 0, written into the SQL
   * rather than bound.
   */
  rollupStatements(table: RollupTable, counters: readonly Counter[], packed: Float64Array): WriteStatement[] {
    const set = counters.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
    const tuple = `(?, ?, ?, ${COUNTERS.map((c) => (counters.includes(c) ? '?' : '0')).join(', ')})`;
    return this.bulkPacked(`insert into ${table} (kind, bucket_start, dim_id, ${COUNTERS.join(', ')})`, `on conflict (kind, bucket_start, dim_id) do update set ${set}`, tuple, packed, 3 + counters.length);
  }

  /** Statements adding rows `bucket_start, item_id, amount, quantity`, one after the other in `packed`, into a cost rollup. */
  costStatements(table: CostTable, packed: Float64Array): WriteStatement[] {
    const set = `amount = ${table}.amount + excluded.amount, quantity = ${table}.quantity + excluded.quantity`;
    return this.bulkPacked(`insert into ${table} (bucket_start, item_id, amount, quantity)`, `on conflict (bucket_start, item_id) do update set ${set}`, placeholders(4), packed, 4);
  }

  /** Statements bumping the version of each of these days (their rollups change). */
  dayVersionStatements(days: readonly number[]): WriteStatement[] {
    return this.bulk('insert into usage_day_versions (day_start, version)', 'on conflict (day_start) do update set version = usage_day_versions.version + 1', days.map((d) => [d]), '(?, 1)');
  }

  /** The versions of the days in `[from, to)` that have one (a day never ingested into has none: version 0). */
  async dayVersions(from: number, to: number): Promise<Map<number, number>> {
    const rows = await this.database.db.selectFrom('usage_day_versions').select(['day_start', 'version']).where('day_start', '>=', from).where('day_start', '<', to).execute();
    return new Map(rows.map((r) => [Number(r.day_start), Number(r.version)]));
  }

  async existingProjectIds(ids: string[], db: Executor = this.database.db): Promise<Set<string>> {
    const rows = await db.selectFrom('projects').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  // ---- Re-pricing (inside one transaction: see UsageRepricing) ----

  /** Each tuple's daily usage from day `from` on, with the dimensions its price depends on and its project and key. */
  async dailyUsage(db: Executor, from: number) {
    return db
      .selectFrom('usage_1d as u')
      .innerJoin('usage_dims as d', 'd.id', 'u.dim_id')
      .select(['u.bucket_start', 'd.kind', 'd.project_id', 'd.api_key_id', 'd.model', 'd.batch', 'd.size'])
      .select(COUNTERS.map((c) => `u.${c}` as `u.${Counter}`))
      .where('u.bucket_start', '>=', from)
      .execute();
  }

  /** The stored daily cost rows of a cost rollup from day `from` on, with their items. */
  async dailyCosts(db: Executor, table: CostTable, from: number) {
    return db
      // Both cost rollups have one shape.
      .selectFrom(`${table} as c` as 'usage_costs_1d as c')
      .innerJoin('usage_cost_items as i', 'i.id', 'c.item_id')
      .select(['c.bucket_start', 'c.item_id', 'c.amount', 'i.project_id', 'i.api_key_id', 'i.line_item', 'i.quantity_unit'])
      .where('c.bucket_start', '>=', from)
      .execute();
  }

  /** Runs write statements (costStatements, dayVersionStatements) in `db`'s transaction rather than as a script of their own. */
  async execute(db: Executor, statements: readonly WriteStatement[]): Promise<void> {
    for (const { sql, parameters } of statements) await db.executeQuery(CompiledQuery.raw(sql, Array.from(parameters)));
  }

  // ---- Reads ----

  /** Runs a grouped query; the database writes each row as JSON (`item`) and joins each bucket's results: per bucket, the JSON array as UTF-8. */
  private async runGrouped(q: GroupedQuery, item: readonly JsonPart[]): Promise<Map<number, Buffer>> {
    const order = q.keys.map((k) => `g.${k}`).join(', ');
    const text = `select g.bucket_start, '[' || ${this.sql.stringAgg(concat(item), "','", order || undefined)} || ']' from (${q.sql.text}) g group by g.bucket_start order by g.bucket_start`;
    const { keys, ends, buffer } = await this.database.keyedTexts(text, q.sql.params);
    const json = new Map<number, Buffer>();
    for (let i = 0; i < keys.length; i++) json.set(keys[i], buffer.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
    return json;
  }

  /** JSON text of a text column: null for '' (a dimension that does not apply). */
  private jsonText(column: string): string {
    return `case when ${column} = '' then 'null' else ${this.sql.jsonString(column)} end`;
  }

  /** The JSON of one usage result of this kind, fields in the order of the result schema (columns as `usage` names them). */
  private resultJson(spec: KindSpec, groupBy: readonly Dimension[]): JsonPart[] {
    const parts: JsonPart[] = [{ text: `{"object":${JSON.stringify(spec.object)}` }];
    const derived: Record<string, string> = spec.kind === 'completions' ? COMPLETIONS_DERIVED_SQL : {};
    for (const c of outputCounters(spec)) parts.push({ text: `,"${c}":` }, { sql: derived[c] ?? `g.${c}` });
    for (const d of spec.groupBy) {
      parts.push({ text: `,"${d}":` });
      if (!groupBy.includes(d)) parts.push({ text: 'null' });
      else parts.push({ sql: d === 'batch' ? `case when g.batch = 1 then 'true' else 'false' end` : this.jsonText(`g.${d}`) });
    }
    parts.push({ text: '}' });
    return parts;
  }

  /** Per bucket, the JSON of its usage results of kind `spec` (summed over `[from, to)` per bucket and group). */
  usage(table: RollupTable, spec: KindSpec, q: RollupQuery): Promise<Map<number, Buffer>> {
    const sql = new Sql(this.sql).add(
      `select r.bucket_start as bucket_start${q.groupBy.map((d) => `, d.${d} as ${d}`).join('')}${spec.counters.map((c) => `, sum(r.${c}) as ${c}`).join('')}` +
        ` from ${table} r join usage_dims d on d.id = r.dim_id where r.kind = ? and r.bucket_start >= ? and r.bucket_start < ?`,
      q.kind, q.from, q.to,
    );
    for (const f of q.filters) sql.in(`d.${f.column}`, f.values);
    sql.add(` group by r.bucket_start${q.groupBy.map((d) => `, d.${d}`).join('')}`);
    return this.runGrouped({ sql, keys: q.groupBy }, this.resultJson(spec, q.groupBy));
  }

  /**
   * The JSON of a cost result, with numbers exactly as JavaScript writes them. The amount is
   * Math.round(amount * 1e11) / 1e11 (a whole number of 1e-11 USD): between 1e-6 and 1e4 USD, the
   * plain decimal of those units (15 digits at most, so it round-trips), trailing zeros removed,
   * which the database writes itself; otherwise by js_round and js_number. Whole quantities
   * (tokens, images, ...) are written as integers.
   */
  private costJson(groupBy: CostQuery['groupBy']): JsonPart[] {
    const key = groupBy.join(',');
    let item = this.costItems.get(key);
    if (item) return item;
    const byLine = groupBy.includes('line_item');
    const { sql } = this;
    const units = sql.roundHalfUp(`g.amount * 1e${USD_DECIMALS}`);
    const amount = `case when ${units} >= 1e5 and ${units} < 1e15 then rtrim(rtrim(${sql.fixedDecimal(units, USD_DECIMALS)}, '0'), '.') else js_number(js_round(g.amount, ${USD_DECIMALS})) end`;
    const quantity = `case when ${sql.isWhole('g.quantity')} and abs(g.quantity) < 1e15 then ${sql.integerText('g.quantity')} else js_number(g.quantity) end`;
    item = [
      { text: '{"object":"organization.costs.result","amount":{"value":' },
      { sql: amount },
      { text: ',"currency":"usd"},"line_item":' },
      byLine ? { sql: sql.jsonString('g.line_item') } : { text: 'null' },
      { text: ',"project_id":' },
      groupBy.includes('project_id') ? { sql: this.jsonText('g.project_id') } : { text: 'null' },
      { text: ',"api_key_id":' },
      groupBy.includes('api_key_id') ? { sql: this.jsonText('g.api_key_id') } : { text: 'null' },
      { text: ',"quantity":' },
      byLine ? { sql: quantity } : { text: 'null' },
      { text: ',"quantity_unit":' },
      byLine ? { sql: this.jsonText('g.quantity_unit') } : { text: 'null' },
      { text: '}' },
    ];
    this.costItems.set(key, item);
    return item;
  }

  /** Per bucket, the JSON of its cost results (summed per bucket and group; columns: the group keys, amount, quantity, quantity_unit). */
  costs(table: CostTable, q: CostQuery): Promise<Map<number, Buffer>> {
    const sql = new Sql(this.sql).add(
      `select c.bucket_start as bucket_start${q.groupBy.map((k) => `, i.${k} as ${k}`).join('')}, sum(c.amount) as amount, sum(c.quantity) as quantity, max(i.quantity_unit) as quantity_unit` +
        ` from ${table} c join usage_cost_items i on i.id = c.item_id where c.bucket_start >= ? and c.bucket_start < ?`,
      q.from, q.to,
    );
    for (const f of q.filters) sql.in(`i.${f.column}`, f.values);
    sql.add(` group by c.bucket_start${q.groupBy.map((k) => `, i.${k}`).join('')}`);
    return this.runGrouped({ sql, keys: q.groupBy }, this.costJson(q.groupBy));
  }
}
