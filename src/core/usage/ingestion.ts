import { ApiError, badRequest } from '../../platform/errors.js';
import { yieldToEventLoop } from '../../platform/yield.js';
import type { AppContext } from '../context.js';
import { COUNTERS, type Counter, KINDS, USAGE_KINDS } from './kinds.js';
import { type Counters, isPriced, type LinePlan, pricePlan } from './pricing.js';
import type { IngestOutcome, IngestRecord } from './records.js';
import { Rollup } from './rollup.js';
import type { RollupTable, UsageStore } from './store.js';
import { SEP, TupleNumbers } from './tuple-numbers.js';

/** Records may be stamped up to this far ahead of the server clock (clock skew), not more. */
const MAX_FUTURE_SECONDS = 3600;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** Records handled between two yields to the event loop, so that a big batch does not hold up other requests. */
const SLICE = 1000;
/** The same for a step that costs more per item (planning a new tuple, pricing a tuple's day). */
const PLAN_SLICE = 200;

/** Each kind's stored counters, in storage order (the order rollup rows carry them). */
const STORED: ReadonlyArray<readonly Counter[]> = USAGE_KINDS.map((k) => COUNTERS.filter((c) => KINDS[k].counters.includes(c)));
/** What each of them is when a record leaves it out. */
const DEFAULTS: ReadonlyArray<readonly number[]> = STORED.map((counters) => counters.map((name) => (name === 'num_model_requests' ? 1 : 0)));
const KIND_INDEX = new Map<string, number>(USAGE_KINDS.map((k, i) => [k, i]));

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
  /** The catalog has no price for the tuple's usage (stored at $0): its model, or kind for tools. */
  unpriced: string | undefined;
}

/** The key of a record's dimension tuple: the columns of DIM_COLUMNS (store.ts) joined by SEP. */
function tupleKey(r: IngestRecord): string {
  return `${r.kind}${SEP}${r.project_id}${SEP}${r.user_id ?? ''}${SEP}${r.api_key_id ?? ''}${SEP}${r.model ?? ''}${SEP}${r.batch ? 1 : 0}${SEP}${
    r.kind === 'completions' ? (r.service_tier ?? 'default') : ''}${SEP}${r.size ?? ''}${SEP}${r.source ?? ''}${SEP}${r.context_level ?? ''}${SEP}${r.vector_store_id ?? ''}`;
}

/**
 * The one way usage enters orgplane: the ingestion endpoint, the JSONL import, the demo generator
 * and the gateway all call `record`, on the one instance createCore makes. Records are rolled up
 * into per-minute, per-hour and per-day aggregates as they arrive and priced into daily costs; the
 * record's ID is kept so that a retried record is not counted twice.
 */
export class UsageIngestion {
  /** Plans by tuple key; prices come from the catalog. */
  private readonly plans = new Map<string, TuplePlan>();
  /** The same plans by their tuple's number. */
  private readonly plansByDim = new Map<number, TuplePlan>();
  /** Numbers of dimension tuples and cost items. */
  private readonly dims: TupleNumbers;
  private readonly items: TupleNumbers;
  /** Settles when the batch ahead has handed its statements to the writer (see inTurn). */
  private turn: Promise<void> = Promise.resolve();

  /** `ctx`: the clock, and the catalog prices come from. */
  constructor(private readonly store: UsageStore, private readonly ctx: AppContext) {
    this.dims = new TupleNumbers(store, 'usage_dims');
    this.items = new TupleNumbers(store, 'usage_cost_items');
  }

  /**
   * Checks what the record schema cannot, then stores the batch atomically; a retried record is not
   * counted twice. `records` are valid records (see RecordValidator), or a function giving them,
   * called when the batch's turn comes: batches waiting for their turn then hold only what the
   * function keeps (a request body's bytes, say), not thousands of parsed records.
   */
  record(records: IngestRecord[] | (() => Promise<IngestRecord[]>)): Promise<IngestOutcome> {
    return this.ingestLoaded(Array.isArray(records) ? async () => records : records);
  }

  /** Stores a batch (see store) and records it in the metrics: stored or rejected, records, unpriced, lag. */
  private async ingestLoaded(load: () => Promise<IngestRecord[]>): Promise<IngestOutcome> {
    const { metrics } = this.ctx;
    try {
      const result = await this.storeBatch(load);
      metrics.ingestBatches.inc({ outcome: 'stored' });
      metrics.ingestRecords.inc({ result: 'accepted' }, result.accepted);
      metrics.ingestRecords.inc({ result: 'duplicate' }, result.duplicates);
      metrics.ingestUnpriced.inc(result.unpriced);
      if (result.newest !== undefined) metrics.ingestLag.observe(Math.max(0, this.ctx.clock.now() - result.newest));
      const { newest: _, ...outcome } = result;
      return outcome;
    } catch (err) {
      metrics.ingestBatches.inc({ outcome: 'rejected' });
      throw err;
    }
  }

  /**
   * Stores the batch that `load` gives (in the batch's turn; again, if some of its IDs turn out to
   * be stored already: the batch is written as if every record were new, and if some ID is already
   * stored, nothing is written and the batch is written again without those records). The records
   * are not kept while the writer works.
   */
  private async storeBatch(load: () => Promise<IngestRecord[]>): Promise<IngestOutcome & { newest?: number }> {
    let fresh: Set<string> | undefined;
    for (;;) {
      const { written } = await this.inTurn(async () => {
        const records = await load();
        return this.write(records, await this.check(records), fresh);
      });
      const { result, outcome } = await written;
      if (outcome.committed) return result;
      fresh = new Set(outcome.returned.map((row) => String(row[0])));
    }
  }

  /**
   * Runs the event-loop part of ingesting a batch (checks, roll-up, statements) for one batch at a
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
    const result: IngestOutcome & { newest?: number } = {
      object: 'organization.usage.ingestion', accepted: ids.length, duplicates: records.length - ids.length, unpriced: 0, unpricedModels: [],
    };
    if (ids.length === 0) return { written: Promise.resolve({ result, outcome: { committed: true, returned: [] as unknown[][] } }) };
    const { store } = this;
    const guarded = store.recordStatements(ids, this.ctx.clock.now());
    const r = await this.rollUp(records, plans, fresh);
    result.unpriced = r.unpriced;
    result.unpricedModels = [...r.unpricedModels];
    result.newest = r.newest;
    const statements = [...guarded];
    const usage: Array<[RollupTable, Rollup]> = [
      ['usage_1m', r.minute], ['usage_1h', r.hour], ['usage_1d', r.day], ['usage_projects_1h', r.projectHour], ['usage_projects_1d', r.projectDay],
    ];
    // Table by table, yielding in between: a big batch does not hold up other requests.
    for (const [table, rollup] of usage) {
      for (const [kind, rows] of rollup.byKind()) statements.push(...store.rollupStatements(table, STORED[kind], rollup.packed(rows, STORED[kind].length, true)));
      await yieldToEventLoop();
    }
    const costs = (rollup: Rollup) => rollup.packed(rollup.order(), 2, false);
    statements.push(...store.costStatements('usage_costs_1d', costs(r.costs)));
    await yieldToEventLoop();
    statements.push(
      ...store.costStatements('usage_costs_projects_1d', costs(r.projectCosts)),
      // Cached results of these days are now stale.
      ...store.dayVersionStatements(r.day.starts()),
    );
    const written = store.runScript(statements, { statements: guarded.length, rows: ids.length }).then((outcome) => ({ result, outcome }));
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
    const known = await this.store.existingProjectIds([...projects.keys()]);
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
    const { dims, items } = this;
    const dimTuples = new Map<string, unknown[]>();
    const itemTuples = new Map<string, unknown[]>();
    const drafts = [];
    for (let i = 0; i < examples.length; i++) {
      if (i % PLAN_SLICE === PLAN_SLICE - 1) await yieldToEventLoop();
      const r = examples[i];
      // The columns of DIM_COLUMNS.
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
        // The columns of COST_ITEM_COLUMNS.
        const item = [r.project_id, r.api_key_id ?? '', price.line_item, price.unit];
        const projectItem = [r.project_id, '', price.line_item, price.unit];
        const itemKey = item.join(SEP);
        const projectItemKey = projectItem.join(SEP);
        itemTuples.set(itemKey, item);
        itemTuples.set(projectItemKey, projectItem);
        return { price, itemKey, projectItemKey };
      });
      const priced = isPriced({ kind: r.kind, model: r.model ?? '', batch: r.batch === true, size: r.size ?? '' }, this.ctx.catalog);
      drafts.push({ kind: KIND_INDEX.get(r.kind)!, key, projectKey, lines, unpriced: priced ? undefined : (r.model ?? r.kind) });
    }
    await dims.number(dimTuples);
    await items.number(itemTuples);
    const dimIds = await dims.known();
    const itemIds = await items.known();
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
        unpriced: d.unpriced,
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
    const width = COUNTERS.length;
    // Nearly a row per record per minute and hour in a batch spread over hours: room for that up front.
    const rows = Math.min(records.length, 1 << 16);
    const out = {
      minute: new Rollup(MINUTE, width, rows), hour: new Rollup(HOUR, width, rows), day: new Rollup(DAY, width),
      projectHour: new Rollup(HOUR, width), projectDay: new Rollup(DAY, width),
      // Cost rows: amount and quantity.
      costs: new Rollup(DAY, 2), projectCosts: new Rollup(DAY, 2),
      /** Records the catalog has no price for, their models, and the newest record's timestamp. */
      unpriced: 0, unpricedModels: new Set<string>(), newest: 0,
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
      if (ts > out.newest) out.newest = ts;
      if (p.unpriced !== undefined) {
        out.unpriced++;
        out.unpricedModels.add(p.unpriced);
      }
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
    const { day } = out;
    for (let row = 0; row < day.size; row++) {
      if (row % PLAN_SLICE === PLAN_SLICE - 1) await yieldToEventLoop();
      const p = this.plansByDim.get(day.id(row))!;
      for (let j = 0; j < p.counters.length; j++) c[p.counters[j]] = day.value(row, j);
      for (const line of p.lines) {
        const quantity = line.price.quantity(c);
        if (quantity <= 0) continue;
        sums[0] = line.price.amount(quantity, c);
        sums[1] = quantity;
        out.costs.add(0, day.bucket(row), line.item, sums, 2);
        out.projectCosts.add(0, day.bucket(row), line.projectItem, sums, 2);
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
