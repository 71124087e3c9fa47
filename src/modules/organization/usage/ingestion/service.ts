import type { FastifySchemaCompiler } from 'fastify';
import { type AppContext, inTransaction } from '../../../../shared/context.js';
import { ApiError, badRequest, validationError } from '../../../../shared/errors.js';
import { validatorCompiler } from '../../../../shared/validation.js';
import { completionsBreakdown, type Counter, KINDS } from '../kinds.js';
import * as repo from '../repository.js';
import { IngestBody, type IngestRecord, type IngestResult } from '../schemas.js';
import { priceRecord } from './pricing.js';

/** Records may be stamped up to this far ahead of the server clock (clock skew), not more. */
const MAX_FUTURE_SECONDS = 3600;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

type Validator = ReturnType<FastifySchemaCompiler<unknown>> & { errors?: unknown[] | null };

/**
 * Rollup rows of one batch: per bucket and group (an interned dimension tuple), the key columns
 * followed by numbers summed across the batch. Keys are numbers: bucket index and group ID.
 */
class Rollup {
  readonly rows = new Map<number, unknown[]>();
  constructor(private readonly width: number) {}
  /** Adds `values` to the row of (`bucket`, `group`), creating it as `[a, bucket, ...rest, ...values]` when new. */
  add(bucket: number, group: number, a: unknown, rest: readonly unknown[], values: readonly number[]): void {
    const key = (bucket / this.width) * GROUPS + group;
    const row = this.rows.get(key);
    if (row === undefined) {
      const fresh: unknown[] = [a, bucket];
      for (const v of rest) fresh.push(v);
      for (const v of values) fresh.push(v);
      this.rows.set(key, fresh);
      return;
    }
    const offset = 2 + rest.length;
    for (let i = 0; i < values.length; i++) (row[offset + i] as number) += values[i];
  }
  /** Rows in key order: concurrent writers then lock rows in the same order (no deadlocks on PostgreSQL). */
  sorted(): unknown[][] {
    return [...this.rows.keys()].sort((x, y) => x - y).map((k) => this.rows.get(k)!);
  }
}

/** Distinct groups a batch may hold (a batch has at most MAX_RECORDS_PER_BATCH records, each adding at most a few). */
const GROUPS = 2 ** 21;

/** Numbers distinct group tuples in order of appearance. */
class Groups {
  private readonly ids = new Map<string, number>();
  id(tuple: string): number {
    let id = this.ids.get(tuple);
    if (id === undefined) this.ids.set(tuple, (id = this.ids.size));
    return id;
  }
}

/**
 * The one way usage enters orgplane: the ingestion endpoint, the JSONL import, the demo
 * generator and the gateway all call it. Records are rolled up into per-minute, per-hour and
 * per-day aggregates as they arrive and priced into daily costs; the raw record is kept for
 * idempotency and audit.
 */
export class UsageIngestion {
  private validator?: Validator;

  constructor(private readonly ctx: AppContext) {}

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
    const now = this.ctx.clock.now();
    const { dialect } = this.ctx;
    return inTransaction(this.ctx, async (tx) => {
      const raw = records.map((r) => [r.id, r.kind, r.timestamp, r.project_id, now, JSON.stringify(r)]);
      const inserted = await repo.insertRecords(tx, dialect, raw);
      if (inserted.size > 0) {
        const fresh = inserted.size === records.length ? records : records.filter((r) => inserted.has(r.id));
        const r = this.rollUp(fresh);
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

  private rollUp(records: IngestRecord[]) {
    const out = {
      minute: new Rollup(MINUTE), hour: new Rollup(HOUR), day: new Rollup(DAY), projectHour: new Rollup(HOUR), projectDay: new Rollup(DAY),
      costs: new Rollup(DAY), projectCosts: new Rollup(DAY),
    };
    const groups = new Groups();
    const { catalog } = this.ctx;
    for (const r of records) {
      const c = countersOf(r);
      const values = counterValues(c);
      const key = r.api_key_id ?? '';
      // The columns after kind and bucket_start, as repo.ROLLUP_KEY orders them.
      const dims = [r.batch ? 1 : 0, r.project_id, r.user_id ?? '', key, r.model ?? '', r.kind === 'completions' ? (r.service_tier ?? 'default') : '', r.size ?? '', r.source ?? '', r.context_level ?? '', r.vector_store_id ?? ''];
      const projectDims = dims.slice();
      projectDims[2] = '';
      projectDims[3] = '';
      const full = groups.id(`${r.kind}\u001f${dims.join('\u001f')}`);
      const projected = groups.id(`${r.kind}\u001f${projectDims.join('\u001f')}`);
      const ts = r.timestamp;
      const m = ts - (ts % MINUTE);
      const h = ts - (ts % HOUR);
      const d = ts - (ts % DAY);
      out.minute.add(m, full, r.kind, dims, values);
      out.hour.add(h, full, r.kind, dims, values);
      out.day.add(d, full, r.kind, dims, values);
      out.projectHour.add(h, projected, r.kind, projectDims, values);
      out.projectDay.add(d, projected, r.kind, projectDims, values);
      for (const item of priceRecord(r, c, catalog)) {
        const amounts = [item.amount, item.quantity];
        const line = `${r.project_id}\u001f${item.line_item}`;
        out.costs.add(d, groups.id(`${key}\u001f${line}`), r.project_id, [key, item.line_item, item.unit], amounts);
        out.projectCosts.add(d, groups.id(`\u001f${line}`), r.project_id, ['', item.line_item, item.unit], amounts);
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
