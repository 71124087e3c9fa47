import type { FastifySchemaCompiler } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../../../db/schema.js';
import { type AppContext, inTransaction } from '../../../../shared/context.js';
import { ApiError, badRequest, validationError } from '../../../../shared/errors.js';
import { validatorCompiler } from '../../../../shared/validation.js';
import { completionsBreakdown, type Counter, KINDS, USAGE_KINDS } from '../kinds.js';
import * as repo from '../repository.js';
import { IngestBody, type IngestRecord, type IngestResult } from '../schemas.js';
import { priceRecord } from './pricing.js';

/** Records may be stamped up to this far ahead of the server clock (clock skew), not more. */
const MAX_FUTURE_SECONDS = 3600;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** Records handled between two yields to the event loop, so that a big batch does not hold up other requests. */
const SLICE = 2000;

type Validator = ReturnType<FastifySchemaCompiler<unknown>> & { errors?: unknown[] | null };

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));
const SEP = '\u001f';

/**
 * The numbers of a dimension table's tuples (usage_dims, usage_cost_items), kept in memory per
 * database. Tuples are numbered once and never change, so a cached number stays right; tuples
 * are numbered outside the batch's transaction, so a failed batch leaves no stale number.
 */
class TupleNumbers {
  private readonly ids = new Map<string, number>();
  constructor(private readonly table: 'usage_dims' | 'usage_cost_items') {}

  get(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** Numbers the tuples not yet known (key: the tuple's values joined by SEP). */
  async resolve(ctx: AppContext, missing: Map<string, unknown[]>): Promise<void> {
    if (missing.size === 0) return;
    const rows = await repo.numberTuples(ctx.db, ctx.dialect, this.table, [...missing.keys()].sort().map((k) => missing.get(k)!));
    for (const [id, ...tuple] of rows) this.ids.set(tuple.join(SEP), Number(id));
  }
}

/**
 * Per database: the tuple numbers, and what follows from a dimension tuple's number (its
 * per-project projection; its cost items per line item and unit), so that a record of a known
 * tuple needs one lookup by its full key.
 */
interface Numbering {
  dims: TupleNumbers;
  items: TupleNumbers;
  projectDims: Map<number, number>;
  costItems: Map<number, Map<string, [number, number]>>;
}

const numbering = new WeakMap<Kysely<DB>, Numbering>();

/**
 * Rollup rows of one batch: per bucket and tuple number, `[kind, bucket, id, ...values]` (or,
 * without a kind, `[bucket, id, ...values]`) with the values summed across the batch.
 */
class Rollup {
  /** Bucket index → tuple number → row (small integer keys: cheap to hash). */
  private readonly buckets = new Map<number, Map<number, number[]>>();
  private readonly offset: number;
  constructor(private readonly width: number, private readonly kinded: boolean) {
    this.offset = kinded ? 3 : 2;
  }
  add(kind: number, bucket: number, id: number, values: readonly number[]): void {
    const index = bucket / this.width;
    let rows = this.buckets.get(index);
    if (rows === undefined) this.buckets.set(index, (rows = new Map()));
    const row = rows.get(id);
    if (row === undefined) {
      const fresh = this.kinded ? [kind, bucket, id] : [bucket, id];
      for (let i = 0; i < values.length; i++) fresh.push(values[i]);
      rows.set(id, fresh);
      return;
    }
    const offset = this.offset;
    for (let i = 0; i < values.length; i++) row[offset + i] += values[i];
  }
  /** Rows in (bucket, tuple) order: concurrent writers then lock rows in the same order (no deadlocks on PostgreSQL). */
  sorted(): number[][] {
    const out: number[][] = [];
    for (const index of [...this.buckets.keys()].sort((x, y) => x - y)) {
      const rows = this.buckets.get(index)!;
      for (const id of [...rows.keys()].sort((x, y) => x - y)) out.push(rows.get(id)!);
    }
    return out;
  }
}

/** What a record contributes, resolved before the batch's transaction. */
interface Prepared {
  record: IngestRecord;
  values: number[];
  /** The tuples' numbers, or their keys where not numbered yet. */
  dim: number | string;
  projectDim: number | string;
  /** Per priced line: item (number or key), projected item (number or key), amount, quantity. */
  lines: Array<[number | string, number | string, number, number]>;
}

/**
 * The one way usage enters orgplane: the ingestion endpoint, the JSONL import, the demo
 * generator and the gateway all call it. Records are rolled up into per-minute, per-hour and
 * per-day aggregates as they arrive and priced into daily costs; the record's ID is kept so that
 * a retried record is not counted twice.
 */
export class UsageIngestion {
  private validator?: Validator;

  constructor(private readonly ctx: AppContext) {}

  private get numbers() {
    let n = numbering.get(this.ctx.db);
    if (!n) numbering.set(this.ctx.db, (n = { dims: new TupleNumbers('usage_dims'), items: new TupleNumbers('usage_cost_items'), projectDims: new Map(), costItems: new Map() }));
    return n;
  }

  /** Validates untrusted input (e.g. records read from a file) exactly as the HTTP endpoint does. */
  parse(records: unknown[]): IngestRecord[] {
    this.validator ??= validatorCompiler({ schema: IngestBody, method: 'POST', url: '', httpPart: 'body' }) as Validator;
    const body = { records };
    if (this.validator(body) !== true) throw validationError((this.validator.errors ?? []) as never[], 'body');
    return records as IngestRecord[];
  }

  /** Checks what the schema cannot, then stores the batch atomically; a retried record is not counted twice. */
  async ingest(records: IngestRecord[]): Promise<IngestResult> {
    await this.check(records);
    const prepared = await this.prepare(records);
    const now = this.ctx.clock.now();
    const { dialect } = this.ctx;
    return inTransaction(this.ctx, async (tx) => {
      const inserted = await repo.insertRecords(tx, dialect, records.map((r) => r.id), now);
      if (inserted.size > 0) {
        const fresh = inserted.size === records.length ? prepared : prepared.filter((p) => inserted.has(p.record.id));
        const r = await this.rollUp(fresh);
        await repo.upsertRollup(tx, dialect, 'usage_1m', r.minute.sorted());
        await repo.upsertRollup(tx, dialect, 'usage_1h', r.hour.sorted());
        await repo.upsertRollup(tx, dialect, 'usage_1d', r.day.sorted());
        await repo.upsertRollup(tx, dialect, 'usage_projects_1h', r.projectHour.sorted());
        await repo.upsertRollup(tx, dialect, 'usage_projects_1d', r.projectDay.sorted());
        await repo.upsertCosts(tx, dialect, 'usage_costs_1d', r.costs.sorted());
        await repo.upsertCosts(tx, dialect, 'usage_costs_projects_1d', r.projectCosts.sorted());
      }
      return { object: 'organization.usage.ingestion', accepted: inserted.size, duplicates: records.length - inserted.size };
    });
  }

  private async check(records: IngestRecord[]): Promise<void> {
    const latest = this.ctx.clock.now() + MAX_FUTURE_SECONDS;
    const ids = new Set<string>();
    const projects = new Map<string, number>();
    for (let i = 0; i < records.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      const r = records[i];
      if (ids.has(r.id)) throw badRequest(`Record ${i}: id '${r.id}' appears more than once in this batch.`, `records[${i}].id`, 'duplicate_record_id');
      ids.add(r.id);
      if (r.timestamp > latest) throw badRequest(`Record ${i}: timestamp ${r.timestamp} is in the future.`, `records[${i}].timestamp`);
      if (!projects.has(r.project_id)) projects.set(r.project_id, i);
      if (r.kind !== 'completions') continue;
      const c = countersOf(r);
      const b = completionsBreakdown(c);
      const parts: Array<[number, Counter, string]> = [
        [b.input_uncached_tokens, 'input_cached_tokens', 'input_cached_tokens + input_cache_write_tokens exceeds input_tokens'],
        [b.input_text_tokens, 'input_audio_tokens', 'uncached input_audio_tokens + input_image_tokens exceed the uncached input tokens'],
        [b.input_cached_text_tokens, 'input_cached_audio_tokens', 'input_cached_audio_tokens + input_cached_image_tokens exceed input_cached_tokens'],
        [b.output_text_tokens, 'output_audio_tokens', 'output_audio_tokens + output_image_tokens exceed output_tokens'],
      ];
      for (const [left, field, message] of parts) if (left < 0) throw badRequest(`Record ${i}: ${message}.`, `records[${i}].${field}`);
    }
    const known = await repo.existingProjectIds(this.ctx.db, [...projects.keys()]);
    for (const [id, i] of projects) {
      if (!known.has(id)) throw new ApiError(400, `Record ${i}: no such project: '${id}'.`, 'invalid_request_error', `records[${i}].project_id`, 'not_found');
    }
  }

  /** Works out each record's counters, tuples and priced lines, and numbers the tuples not seen before. */
  private async prepare(records: IngestRecord[]): Promise<Prepared[]> {
    const { dims, items, projectDims, costItems } = this.numbers;
    const { catalog } = this.ctx;
    const missingDims = new Map<string, unknown[]>();
    const missingItems = new Map<string, unknown[]>();
    const out: Prepared[] = [];
    for (let i = 0; i < records.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      const r = records[i];
      const c = countersOf(r);
      const key = r.api_key_id ?? '';
      // The columns of repo.DIM_COLUMNS.
      const tuple: unknown[] = [r.kind, r.project_id, r.user_id ?? '', key, r.model ?? '', r.batch ? 1 : 0, r.kind === 'completions' ? (r.service_tier ?? 'default') : '', r.size ?? '', r.source ?? '', r.context_level ?? '', r.vector_store_id ?? ''];
      const dimKey = tuple.join(SEP);
      const dim = dims.get(dimKey) ?? dimKey;
      if (dim === dimKey) missingDims.set(dimKey, tuple);
      let projectDim: number | string | undefined = typeof dim === 'number' ? projectDims.get(dim) : undefined;
      if (projectDim === undefined) {
        const projected = tuple.slice();
        projected[2] = '';
        projected[3] = '';
        const projectKey = projected.join(SEP);
        projectDim = dims.get(projectKey) ?? projectKey;
        if (projectDim === projectKey) missingDims.set(projectKey, projected);
        else if (typeof dim === 'number') projectDims.set(dim, projectDim as number);
      }
      const known = typeof dim === 'number' ? costItems.get(dim) : undefined;
      const lines: Prepared['lines'] = [];
      for (const item of priceRecord(r, c, catalog)) {
        const lineKey = `${item.line_item}${SEP}${item.unit}`;
        const cached = known?.get(lineKey);
        if (cached) {
          lines.push([cached[0], cached[1], item.amount, item.quantity]);
          continue;
        }
        // The columns of repo.COST_ITEM_COLUMNS.
        const full = `${r.project_id}${SEP}${key}${SEP}${lineKey}`;
        const projectedItem = `${r.project_id}${SEP}${SEP}${lineKey}`;
        const id = items.get(full) ?? full;
        if (id === full) missingItems.set(full, [r.project_id, key, item.line_item, item.unit]);
        const pid = items.get(projectedItem) ?? projectedItem;
        if (pid === projectedItem) missingItems.set(projectedItem, [r.project_id, '', item.line_item, item.unit]);
        if (typeof dim === 'number' && typeof id === 'number' && typeof pid === 'number') {
          let map = costItems.get(dim);
          if (!map) costItems.set(dim, (map = new Map()));
          map.set(lineKey, [id, pid]);
        }
        lines.push([id, pid, item.amount, item.quantity]);
      }
      out.push({ record: r, values: counterValues(c), dim, projectDim, lines });
    }
    await dims.resolve(this.ctx, missingDims);
    await items.resolve(this.ctx, missingItems);
    return out;
  }

  private async rollUp(prepared: Prepared[]) {
    const out = {
      minute: new Rollup(MINUTE, true), hour: new Rollup(HOUR, true), day: new Rollup(DAY, true),
      projectHour: new Rollup(HOUR, true), projectDay: new Rollup(DAY, true),
      costs: new Rollup(DAY, false), projectCosts: new Rollup(DAY, false),
    };
    const { dims, items } = this.numbers;
    for (let i = 0; i < prepared.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      const { record: r, values, dim, projectDim, lines } = prepared[i];
      const kind = USAGE_KINDS.indexOf(r.kind);
      const full = typeof dim === 'number' ? dim : dims.get(dim)!;
      const projected = typeof projectDim === 'number' ? projectDim : dims.get(projectDim)!;
      const ts = r.timestamp;
      const m = ts - (ts % MINUTE);
      const h = ts - (ts % HOUR);
      const d = ts - (ts % DAY);
      out.minute.add(kind, m, full, values);
      out.hour.add(kind, h, full, values);
      out.day.add(kind, d, full, values);
      out.projectHour.add(kind, h, projected, values);
      out.projectDay.add(kind, d, projected, values);
      for (const [item, projectedItem, amount, quantity] of lines) {
        const id = typeof item === 'number' ? item : items.get(item)!;
        const pid = typeof projectedItem === 'number' ? projectedItem : items.get(projectedItem)!;
        const sums = [amount, quantity];
        out.costs.add(0, d, id, sums);
        out.projectCosts.add(0, d, pid, sums);
      }
    }
    return out;
  }
}

/** A record's counters with their defaults: absent ones are 0, `num_model_requests` 1 where the kind counts requests. */
export function countersOf(r: IngestRecord): Record<Counter, number> {
  // Reads only the fields the record's kind can carry (absent properties are slow to look up).
  const c: Record<Counter, number> = {
    input_tokens: 0, output_tokens: 0, input_cached_tokens: 0, input_cache_write_tokens: 0, input_audio_tokens: 0,
    input_cached_audio_tokens: 0, input_image_tokens: 0, input_cached_image_tokens: 0, output_audio_tokens: 0,
    output_image_tokens: 0, num_model_requests: 0, images: 0, characters: 0, seconds: 0, usage_bytes: 0, num_sessions: 0, num_requests: 0,
  };
  for (const name of KINDS[r.kind].counters) c[name] = r[name] ?? (name === 'num_model_requests' ? 1 : 0);
  return c;
}

/** The counters in storage order (COUNTERS). */
const counterValues = (c: Record<Counter, number>): number[] => [
  c.input_tokens, c.output_tokens, c.input_cached_tokens, c.input_cache_write_tokens, c.input_audio_tokens,
  c.input_cached_audio_tokens, c.input_image_tokens, c.input_cached_image_tokens, c.output_audio_tokens,
  c.output_image_tokens, c.num_model_requests, c.images, c.characters, c.seconds, c.usage_bytes, c.num_sessions, c.num_requests,
];
