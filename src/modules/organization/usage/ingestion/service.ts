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
/** Tuple numbers stay below this, so that (bucket index, number) packs into one safe integer. */
const TUPLE_SPACE = 2 ** 27;

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
    for (const [id, ...tuple] of rows) {
      if (Number(id) >= TUPLE_SPACE) throw new Error(`${this.table}: too many distinct tuples`);
      this.ids.set(tuple.join(SEP), Number(id));
    }
  }
}

const numbering = new WeakMap<Kysely<DB>, { dims: TupleNumbers; items: TupleNumbers }>();

/**
 * Rollup rows of one batch: per bucket and tuple number, `[...head, ...values]` with the values
 * summed across the batch.
 */
class Rollup {
  readonly rows = new Map<number, number[]>();
  constructor(private readonly width: number) {}
  add(bucket: number, id: number, head: readonly number[], values: readonly number[]): void {
    const key = (bucket / this.width) * TUPLE_SPACE + id;
    const row = this.rows.get(key);
    if (row === undefined) {
      this.rows.set(key, [...head, ...values]);
      return;
    }
    const offset = head.length;
    for (let i = 0; i < values.length; i++) row[offset + i] += values[i];
  }
  /** Rows in key order: concurrent writers then lock rows in the same order (no deadlocks on PostgreSQL). */
  sorted(): number[][] {
    return [...this.rows.keys()].sort((x, y) => x - y).map((k) => this.rows.get(k)!);
  }
}

/** What a record contributes, resolved before the batch's transaction. */
interface Prepared {
  record: IngestRecord;
  values: number[];
  dim: string;
  projectDim: string;
  /** Per priced line: item key, projected item key, amount, quantity. */
  lines: Array<[string, string, number, number]>;
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
    if (!n) numbering.set(this.ctx.db, (n = { dims: new TupleNumbers('usage_dims'), items: new TupleNumbers('usage_cost_items') }));
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
    const { dims, items } = this.numbers;
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
      const dim = tuple.join(SEP);
      if (dims.get(dim) === undefined) missingDims.set(dim, tuple);
      const projected = tuple.slice();
      projected[2] = '';
      projected[3] = '';
      const projectDim = projected.join(SEP);
      if (dims.get(projectDim) === undefined) missingDims.set(projectDim, projected);
      const lines: Prepared['lines'] = [];
      for (const item of priceRecord(r, c, catalog)) {
        // The columns of repo.COST_ITEM_COLUMNS.
        const full = `${r.project_id}${SEP}${key}${SEP}${item.line_item}${SEP}${item.unit}`;
        const projectedItem = `${r.project_id}${SEP}${SEP}${item.line_item}${SEP}${item.unit}`;
        if (items.get(full) === undefined) missingItems.set(full, [r.project_id, key, item.line_item, item.unit]);
        if (items.get(projectedItem) === undefined) missingItems.set(projectedItem, [r.project_id, '', item.line_item, item.unit]);
        lines.push([full, projectedItem, item.amount, item.quantity]);
      }
      out.push({ record: r, values: counterValues(c), dim, projectDim, lines });
    }
    await dims.resolve(this.ctx, missingDims);
    await items.resolve(this.ctx, missingItems);
    return out;
  }

  private async rollUp(prepared: Prepared[]) {
    const out = {
      minute: new Rollup(MINUTE), hour: new Rollup(HOUR), day: new Rollup(DAY), projectHour: new Rollup(HOUR), projectDay: new Rollup(DAY),
      costs: new Rollup(DAY), projectCosts: new Rollup(DAY),
    };
    const { dims, items } = this.numbers;
    for (let i = 0; i < prepared.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      const { record: r, values, dim, projectDim, lines } = prepared[i];
      const kind = USAGE_KINDS.indexOf(r.kind);
      const full = dims.get(dim)!;
      const projected = dims.get(projectDim)!;
      const ts = r.timestamp;
      const m = ts - (ts % MINUTE);
      const h = ts - (ts % HOUR);
      const d = ts - (ts % DAY);
      out.minute.add(m, full, [kind, m, full], values);
      out.hour.add(h, full, [kind, h, full], values);
      out.day.add(d, full, [kind, d, full], values);
      out.projectHour.add(h, projected, [kind, h, projected], values);
      out.projectDay.add(d, projected, [kind, d, projected], values);
      for (const [item, projectedItem, amount, quantity] of lines) {
        const id = items.get(item)!;
        const pid = items.get(projectedItem)!;
        out.costs.add(d, id, [d, id], [amount, quantity]);
        out.projectCosts.add(d, pid, [d, pid], [amount, quantity]);
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
