import type { FastifySchemaCompiler } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../../../db/schema.js';
import { runWriteScript } from '../../../../db/write-script.js';
import type { AppContext } from '../../../../shared/context.js';
import { ApiError, badRequest, validationError } from '../../../../shared/errors.js';
import { validatorCompiler } from '../../../../shared/validation.js';
import { yieldToEventLoop } from '../../../../shared/yield.js';
import { COUNTERS, type Counter, KINDS, USAGE_KINDS } from '../kinds.js';
import * as repo from '../repository.js';
import { IngestEnvelope, type IngestRecord, type IngestResult, UsageRecord } from '../schemas.js';
import { type Counters, type LinePlan, pricePlan } from './pricing.js';

/** Records may be stamped up to this far ahead of the server clock (clock skew), not more. */
const MAX_FUTURE_SECONDS = 3600;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** Records handled between two yields to the event loop, so that a big batch does not hold up other requests. */
const SLICE = 1000;
/** The same for steps that cost more per item (planning a new tuple) or less (a known tuple's number). */
const PLAN_SLICE = 200;
const TUPLE_SLICE = 5000;

type Validator = ReturnType<FastifySchemaCompiler<unknown>> & { errors?: unknown[] | null };

const SEP = '\u001f';

/** Each kind's stored counters, in storage order (the order rollup rows carry them). */
const STORED: ReadonlyArray<readonly Counter[]> = USAGE_KINDS.map((k) => COUNTERS.filter((c) => KINDS[k].counters.includes(c)));
/** What each of them is when a record leaves it out. */
const DEFAULTS: ReadonlyArray<readonly number[]> = STORED.map((counters) => counters.map((name) => (name === 'num_model_requests' ? 1 : 0)));
const KIND_INDEX = new Map<string, number>(USAGE_KINDS.map((k, i) => [k, i]));

/**
 * The numbers of a dimension table's tuples (usage_dims, usage_cost_items), kept in memory per
 * database: read once, in full, then extended as new tuples are numbered. Tuples are numbered
 * once and never change, so a kept number stays right. New tuples are numbered in a transaction
 * of their own (on the writer thread where there is one), so a failed batch leaves numbers that
 * are merely unused.
 */
class TupleNumbers {
  private ids?: Promise<Map<string, number>>;
  constructor(private readonly table: 'usage_dims' | 'usage_cost_items') {}

  /** The numbers known so far (the first call reads them all). */
  known(ctx: AppContext): Promise<Map<string, number>> {
    this.ids ??= repo.allTuples(ctx, this.table, SEP).then(
      async (rows) => {
        // Tens of thousands of tuples: in slices.
        const ids = new Map<string, number>();
        for (let i = 0; i < rows.length; i++) {
          if (i % TUPLE_SLICE === TUPLE_SLICE - 1) await yieldToEventLoop();
          ids.set(rows[i][1], rows[i][0]);
        }
        return ids;
      },
      (err: unknown) => {
        this.ids = undefined;
        throw err;
      },
    );
    return this.ids;
  }

  /** Numbers the tuples (key: the tuple's values joined by SEP) not known yet. */
  async number(ctx: AppContext, tuples: Map<string, unknown[]>): Promise<void> {
    const ids = await this.known(ctx);
    const missing = [...tuples.keys()].filter((k) => !ids.has(k)).sort();
    if (missing.length === 0) return;
    const statements = repo.numberingStatements(ctx.dialect, this.table, missing.map((k) => tuples.get(k)!));
    const { returned } = await runWriteScript(ctx.db, ctx.writer, statements, { statements: statements.length, rows: missing.length, keep: true });
    for (let i = 0; i < returned.length; i++) {
      if (i % TUPLE_SLICE === TUPLE_SLICE - 1) await yieldToEventLoop();
      const [id, ...tuple] = returned[i];
      ids.set(tuple.join(SEP), Number(id));
    }
  }
}

const numbering = new WeakMap<Kysely<DB>, { dims: TupleNumbers; items: TupleNumbers }>();

/** What every record of one dimension tuple contributes to, worked out once per tuple. */
interface TuplePlan {
  kind: number;
  /** The kind's stored counters, in storage order, and what each is when a record leaves it out. */
  counters: readonly Counter[];
  defaults: readonly number[];
  /** The tuple's number, and that of its per-project projection (no user, no key). */
  dim: number;
  projectDim: number;
  /** The lines its records may be billed on, with their cost items (per key and per project). */
  lines: Array<{ price: LinePlan; item: number; projectItem: number }>;
}

/** The key of a record's dimension tuple: the columns of repo.DIM_COLUMNS joined by SEP. */
function tupleKey(r: IngestRecord): string {
  return `${r.kind}${SEP}${r.project_id}${SEP}${r.user_id ?? ''}${SEP}${r.api_key_id ?? ''}${SEP}${r.model ?? ''}${SEP}${r.batch ? 1 : 0}${SEP}${
    r.kind === 'completions' ? (r.service_tier ?? 'default') : ''}${SEP}${r.size ?? ''}${SEP}${r.source ?? ''}${SEP}${r.context_level ?? ''}${SEP}${r.vector_store_id ?? ''}`;
}

/**
 * Rollup rows of one batch: per bucket and tuple number, `[kind, bucket, id, ...values]` (or,
 * without a kind, `[bucket, id, ...values]`) with the values summed across the batch.
 */
class Rollup {
  /** Bucket index → tuple number → row (small integer keys: cheap to hash). */
  private readonly buckets = new Map<number, Map<number, number[]>>();
  private readonly offset: number;
  /** The bucket added to last (records of a batch mostly come in time order). */
  private lastIndex = NaN;
  private lastRows?: Map<number, number[]>;
  constructor(private readonly width: number, private readonly kinded: boolean) {
    this.offset = kinded ? 3 : 2;
  }
  add(kind: number, bucket: number, id: number, values: ArrayLike<number>, n: number): void {
    const index = bucket / this.width;
    let rows = index === this.lastIndex ? this.lastRows : this.buckets.get(index);
    if (rows === undefined) this.buckets.set(index, (rows = new Map()));
    this.lastIndex = index;
    this.lastRows = rows;
    const row = rows.get(id);
    const offset = this.offset;
    if (row === undefined) {
      const fresh = new Array<number>(offset + n);
      if (this.kinded) fresh[0] = kind;
      fresh[offset - 2] = bucket;
      fresh[offset - 1] = id;
      for (let i = 0; i < n; i++) fresh[offset + i] = values[i];
      rows.set(id, fresh);
      return;
    }
    for (let i = 0; i < n; i++) row[offset + i] += values[i];
  }
  /** Every row, in no particular order. */
  *rows(): IterableIterator<number[]> {
    for (const rows of this.buckets.values()) yield* rows.values();
  }
  /** The starts of the buckets with rows, in order. */
  starts(): number[] {
    return [...this.buckets.keys()].sort((x, y) => x - y).map((index) => index * this.width);
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
  /** The sorted rows per kind, kinds in order. */
  byKind(): Map<number, number[][]> {
    const out = new Map<number, number[][]>();
    for (const row of this.sorted()) {
      let rows = out.get(row[0]);
      if (!rows) out.set(row[0], (rows = []));
      rows.push(row);
    }
    return new Map([...out].sort(([a], [b]) => a - b));
  }
}

/**
 * The one way usage enters orgplane: the ingestion endpoint, the JSONL import, the demo
 * generator and the gateway all call it. Records are rolled up into per-minute, per-hour and
 * per-day aggregates as they arrive and priced into daily costs; the record's ID is kept so that
 * a retried record is not counted twice.
 */
export class UsageIngestion {
  /** Validators of the body's envelope and of one record (compiled up front: compiling takes tens of milliseconds). */
  private readonly envelope: Validator;
  private readonly record: Validator;
  /** Plans by tuple key; prices come from this context's catalog. */
  private readonly plans = new Map<string, TuplePlan>();
  /** The same plans by their tuple's number. */
  private readonly plansByDim = new Map<number, TuplePlan>();
  /** Settles when the batch ahead has handed its statements to the writer (see inTurn). */
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: AppContext) {
    const compile = (schema: object) => validatorCompiler({ schema, method: 'POST', url: '', httpPart: 'body' }) as Validator;
    this.envelope = compile(IngestEnvelope);
    this.record = compile(UsageRecord);
  }

  private get numbers() {
    let n = numbering.get(this.ctx.db);
    if (!n) numbering.set(this.ctx.db, (n = { dims: new TupleNumbers('usage_dims'), items: new TupleNumbers('usage_cost_items') }));
    return n;
  }

  /**
   * Validates untrusted records (a request body's, a file's) against IngestBody, a slice at a
   * time with yields in between, so that a big batch does not hold up other requests.
   */
  async parse(records: unknown[]): Promise<IngestRecord[]> {
    const { envelope, record } = this;
    if (envelope({ records }) !== true) throw validationError((envelope.errors ?? []) as never[], 'body');
    for (let i = 0; i < records.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      if (record(records[i]) === true) continue;
      const errors = (record.errors ?? []) as Array<{ instancePath: string }>;
      throw validationError(errors.map((e) => ({ ...e, instancePath: `/records/${i}${e.instancePath}` })) as never[], 'body');
    }
    return records as IngestRecord[];
  }

  /** Checks what the schema cannot, then stores the batch atomically; a retried record is not counted twice. */
  async ingest(records: IngestRecord[]): Promise<IngestResult> {
    // Written as if every record were new; if some ID is already stored, nothing is written and the
    // batch is written again without those records.
    const { plans, handed } = await this.inTurn(async () => {
      const plans = await this.check(records);
      return { plans, handed: await this.write(records, plans, undefined) };
    });
    let { written } = handed;
    for (;;) {
      const { result, outcome } = await written;
      if (outcome.committed) return result;
      const fresh = new Set(outcome.returned.map((row) => String(row[0])));
      ({ written } = await this.write(records, plans, fresh));
    }
  }

  /**
   * Runs the main-thread part of ingesting a batch (checks, roll-up, statements) for one batch at a
   * time, in arrival order; the writing itself happens outside. Concurrent batches then reach the
   * writer one after the other as early as each can, instead of all late, interleaved slice by slice.
   */
  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.turn;
    let done!: () => void;
    this.turn = new Promise<void>((resolve) => (done = resolve));
    await previous;
    try {
      return await work();
    } finally {
      done();
    }
  }

  /** Rolls up the records (those in `fresh`, or all) and hands their statements to the writer; `written` settles when they are written. */
  private async write(records: IngestRecord[], plans: TuplePlan[], fresh: Set<string> | undefined) {
    const ids = fresh === undefined ? records.map((r) => r.id) : records.filter((r) => fresh.has(r.id)).map((r) => r.id);
    const result: IngestResult = { object: 'organization.usage.ingestion', accepted: ids.length, duplicates: records.length - ids.length };
    if (ids.length === 0) return { written: Promise.resolve({ result, outcome: { committed: true, returned: [] as unknown[][] } }) };
    const { dialect } = this.ctx;
    const guarded = repo.recordStatements(dialect, ids, this.ctx.clock.now());
    const r = await this.rollUp(records, plans, fresh);
    const statements = [...guarded];
    const usage: Array<[repo.RollupTable, Rollup]> = [
      ['usage_1m', r.minute], ['usage_1h', r.hour], ['usage_1d', r.day], ['usage_projects_1h', r.projectHour], ['usage_projects_1d', r.projectDay],
    ];
    // Table by table, yielding in between: a big batch does not hold up other requests.
    for (const [table, rollup] of usage) {
      for (const [kind, rows] of rollup.byKind()) statements.push(...repo.rollupStatements(dialect, table, STORED[kind], rows));
      await yieldToEventLoop();
    }
    statements.push(...repo.costStatements(dialect, 'usage_costs_1d', r.costs.sorted()));
    await yieldToEventLoop();
    statements.push(
      ...repo.costStatements(dialect, 'usage_costs_projects_1d', r.projectCosts.sorted()),
      // Cached results of these days are now stale.
      ...repo.dayVersionStatements(dialect, r.day.starts()),
    );
    const written = runWriteScript(this.ctx.db, this.ctx.writer, statements, { statements: guarded.length, rows: ids.length }).then((outcome) => ({ result, outcome }));
    return { written };
  }

  /** Checks each record against what the schema cannot express, and finds (or makes) the plan of its tuple. */
  private async check(records: IngestRecord[]): Promise<TuplePlan[]> {
    const latest = this.ctx.clock.now() + MAX_FUTURE_SECONDS;
    const ids = new Set<string>();
    const projects = new Map<string, number>();
    const plans = new Array<TuplePlan>(records.length);
    /** Records whose tuple has no plan yet, by tuple key. */
    const unplanned = new Map<string, number[]>();
    for (let i = 0; i < records.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      const r = records[i];
      if (ids.has(r.id)) throw badRequest(`Record ${i}: id '${r.id}' appears more than once in this batch.`, `records[${i}].id`, 'duplicate_record_id');
      ids.add(r.id);
      if (r.timestamp > latest) throw badRequest(`Record ${i}: timestamp ${r.timestamp} is in the future.`, `records[${i}].timestamp`);
      if (!projects.has(r.project_id)) projects.set(r.project_id, i);
      if (r.kind === 'completions') checkCompletion(r, i);
      const key = tupleKey(r);
      const plan = this.plans.get(key);
      if (plan !== undefined) {
        plans[i] = plan;
      } else {
        const waiting = unplanned.get(key);
        if (waiting) waiting.push(i);
        else unplanned.set(key, [i]);
      }
    }
    const known = await repo.existingProjectIds(this.ctx.db, [...projects.keys()]);
    for (const [id, i] of projects) {
      if (!known.has(id)) throw new ApiError(400, `Record ${i}: no such project: '${id}'.`, 'invalid_request_error', `records[${i}].project_id`, 'not_found');
    }
    if (unplanned.size > 0) {
      await this.plan([...unplanned.values()].map((waiting) => records[waiting[0]]));
      for (const [key, waiting] of unplanned) {
        const plan = this.plans.get(key)!;
        for (const i of waiting) plans[i] = plan;
      }
    }
    return plans;
  }

  /** Numbers the tuples of these records (one record per tuple), their projections and cost items, and plans them. */
  private async plan(examples: IngestRecord[]): Promise<void> {
    const { dims, items } = this.numbers;
    const dimTuples = new Map<string, unknown[]>();
    const itemTuples = new Map<string, unknown[]>();
    const drafts = [];
    for (let i = 0; i < examples.length; i++) {
      if (i % PLAN_SLICE === PLAN_SLICE - 1) await yieldToEventLoop();
      const r = examples[i];
      // The columns of repo.DIM_COLUMNS.
      const tuple: unknown[] = [r.kind, r.project_id, r.user_id ?? '', r.api_key_id ?? '', r.model ?? '', r.batch ? 1 : 0, r.kind === 'completions' ? (r.service_tier ?? 'default') : '', r.size ?? '', r.source ?? '', r.context_level ?? '', r.vector_store_id ?? ''];
      const projected = tuple.slice();
      projected[2] = '';
      projected[3] = '';
      // The plan is found by tupleKey (the hot path); the tuple's number by its columns joined: one key.
      const key = tupleKey(r);
      if (key !== tuple.join(SEP)) throw new Error(`tupleKey and DIM_COLUMNS disagree: ${key}`);
      const projectKey = projected.join(SEP);
      dimTuples.set(key, tuple);
      dimTuples.set(projectKey, projected);
      const lines = pricePlan({ kind: r.kind, model: r.model ?? '', batch: r.batch === true, size: r.size ?? '' }, this.ctx.catalog).map((price) => {
        // The columns of repo.COST_ITEM_COLUMNS.
        const item = [r.project_id, r.api_key_id ?? '', price.line_item, price.unit];
        const projectItem = [r.project_id, '', price.line_item, price.unit];
        const itemKey = item.join(SEP);
        const projectItemKey = projectItem.join(SEP);
        itemTuples.set(itemKey, item);
        itemTuples.set(projectItemKey, projectItem);
        return { price, itemKey, projectItemKey };
      });
      drafts.push({ kind: KIND_INDEX.get(r.kind)!, key, projectKey, lines });
    }
    await dims.number(this.ctx, dimTuples);
    await items.number(this.ctx, itemTuples);
    const dimIds = await dims.known(this.ctx);
    const itemIds = await items.known(this.ctx);
    for (let i = 0; i < drafts.length; i++) {
      if (i % PLAN_SLICE === PLAN_SLICE - 1) await yieldToEventLoop();
      const d = drafts[i];
      const plan: TuplePlan = {
        kind: d.kind,
        counters: STORED[d.kind],
        defaults: DEFAULTS[d.kind],
        dim: dimIds.get(d.key)!,
        projectDim: dimIds.get(d.projectKey)!,
        lines: d.lines.map((l) => ({ price: l.price, item: itemIds.get(l.itemKey)!, projectItem: itemIds.get(l.projectItemKey)! })),
      };
      this.plans.set(d.key, plan);
      this.plansByDim.set(plan.dim, plan);
    }
  }

  /**
   * Sums the records (those in `fresh`, or all) per bucket and tuple, then prices each tuple's day
   * into daily costs. (Every line's quantity is a sum of counters, and its amount proportional to
   * it, so pricing a day's sums gives what pricing each record and summing would.)
   */
  private async rollUp(records: IngestRecord[], plans: TuplePlan[], fresh: Set<string> | undefined) {
    const out = {
      minute: new Rollup(MINUTE, true), hour: new Rollup(HOUR, true), day: new Rollup(DAY, true),
      projectHour: new Rollup(HOUR, true), projectDay: new Rollup(DAY, true),
      costs: new Rollup(DAY, false), projectCosts: new Rollup(DAY, false),
    };
    // Scratch space, reused from record to record: the counters in storage order.
    const values = new Array<number>(COUNTERS.length).fill(0);
    for (let i = 0; i < records.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      const r = records[i];
      if (fresh !== undefined && !fresh.has(r.id)) continue;
      const p = plans[i];
      const counters = p.counters;
      const n = counters.length;
      for (let j = 0; j < n; j++) values[j] = r[counters[j]] ?? p.defaults[j];
      const ts = r.timestamp;
      const h = ts - (ts % HOUR);
      const d = ts - (ts % DAY);
      out.minute.add(p.kind, ts - (ts % MINUTE), p.dim, values, n);
      out.hour.add(p.kind, h, p.dim, values, n);
      out.day.add(p.kind, d, p.dim, values, n);
      out.projectHour.add(p.kind, h, p.projectDim, values, n);
      out.projectDay.add(p.kind, d, p.projectDim, values, n);
    }
    await yieldToEventLoop();
    const c = Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Counters;
    const sums = [0, 0];
    // Day rows: [kind, day, dim, ...counters].
    let priced = 0;
    for (const row of out.day.rows()) {
      if (++priced % PLAN_SLICE === 0) await yieldToEventLoop();
      const p = this.plansByDim.get(row[2])!;
      for (let j = 0; j < p.counters.length; j++) c[p.counters[j]] = row[3 + j];
      for (const line of p.lines) {
        const quantity = line.price.quantity(c);
        if (quantity <= 0) continue;
        sums[0] = line.price.amount(quantity, c);
        sums[1] = quantity;
        out.costs.add(0, row[1], line.item, sums, 2);
        out.projectCosts.add(0, row[1], line.projectItem, sums, 2);
      }
    }
    return out;
  }
}

/** Rejects a completions record whose parts exceed their totals. */
function checkCompletion(r: IngestRecord, i: number): void {
  const cached = r.input_cached_tokens ?? 0;
  const uncached = (r.input_tokens ?? 0) - cached - (r.input_cache_write_tokens ?? 0);
  const text = uncached - (r.input_audio_tokens ?? 0) - (r.input_image_tokens ?? 0);
  const cachedText = cached - (r.input_cached_audio_tokens ?? 0) - (r.input_cached_image_tokens ?? 0);
  const outputText = (r.output_tokens ?? 0) - (r.output_audio_tokens ?? 0) - (r.output_image_tokens ?? 0);
  if (uncached >= 0 && text >= 0 && cachedText >= 0 && outputText >= 0) return;
  const [field, message]: [Counter, string] =
    uncached < 0 ? ['input_cached_tokens', 'input_cached_tokens + input_cache_write_tokens exceeds input_tokens']
    : text < 0 ? ['input_audio_tokens', 'uncached input_audio_tokens + input_image_tokens exceed the uncached input tokens']
    : cachedText < 0 ? ['input_cached_audio_tokens', 'input_cached_audio_tokens + input_cached_image_tokens exceed input_cached_tokens']
    : ['output_audio_tokens', 'output_audio_tokens + output_image_tokens exceed output_tokens'];
  throw badRequest(`Record ${i}: ${message}.`, `records[${i}].${field}`);
}
