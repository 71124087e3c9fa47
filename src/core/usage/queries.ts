import type { AppContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import type { DialectName } from '../../platform/db/database.js';
import { type Dimension, FILTERS, type KindSpec, USAGE_KINDS } from './kinds.js';
import { bucketCache } from './bucket-cache.js';
import * as repo from './store.js';
import { outputCounters, type BucketWidth, type UsageQuery } from '../../admin/organization/usage/schemas.js';

export const WIDTH_SECONDS: Record<BucketWidth, number> = { '1m': 60, '1h': 3600, '1d': 86400 };
const LIMITS: Record<BucketWidth, { default: number; max: number }> = {
  '1d': { default: 7, max: 31 },
  '1h': { default: 24, max: 168 },
  '1m': { default: 60, max: 1440 },
};
export const COSTS_LIMIT = { default: 7, max: 180 };

/** The buckets of one page: `[from, to)` in aligned bucket starts, and where the next page starts. */
export interface BucketWindow {
  width: number;
  from: number;
  to: number;
  next: number | null;
}

// `page` cursors: "page_" + base64 of two big-endian 64-bit integers, the next bucket's start and the width.
function encodeCursor(start: number, width: number): string {
  const buf = Buffer.alloc(16);
  buf.writeBigInt64BE(BigInt(start), 0);
  buf.writeBigInt64BE(BigInt(width), 8);
  return `page_${buf.toString('base64')}`;
}

function decodeCursor(page: string): { start: number; width: number } | undefined {
  if (!/^page_[A-Za-z0-9+/]{22}==$/.test(page)) return undefined;
  const buf = Buffer.from(page.slice(5), 'base64');
  if (buf.length !== 16) return undefined;
  return { start: Number(buf.readBigInt64BE(0)), width: Number(buf.readBigInt64BE(8)) };
}

/**
 * Resolves the time range, limit and cursor of a request into the window of buckets to return.
 * Buckets are aligned to UTC boundaries of the width: the first is the one containing start_time.
 */
export function bucketWindow(ctx: AppContext, q: { start_time: number; end_time?: number; limit?: number; page?: string }, width: number, limits: { default: number; max: number }): BucketWindow {
  const limit = q.limit ?? limits.default;
  if (limit < 1 || limit > limits.max) throw badRequest(`Invalid 'limit': must be between 1 and ${limits.max} for this bucket width, got ${limit}.`, 'limit', 'invalid_value');
  if (q.end_time !== undefined && q.end_time <= q.start_time) throw badRequest(`Invalid 'end_time': must be after start_time.`, 'end_time', 'invalid_value');
  const end = q.end_time ?? ctx.clock.now();
  const first = q.start_time - (q.start_time % width);
  let from = first;
  if (q.page !== undefined) {
    const cursor = decodeCursor(q.page);
    if (!cursor || cursor.width !== width || cursor.start % width !== 0 || cursor.start < first || cursor.start >= Math.max(end, first + width)) {
      throw badRequest(`Invalid 'page': not a cursor of this query.`, 'page', 'invalid_cursor');
    }
    from = cursor.start;
  }
  const to = Math.min(from + limit * width, end);
  const next = from + limit * width < end ? from + limit * width : null;
  return { width, from, to: Math.max(to, from), next };
}

/**
 * The page of every bucket of the window, as UTF-8 JSON in consecutive parts (the buckets' results
 * are not copied), from the JSON of each bucket's results (none: `[]`).
 */
export function pageJson(w: BucketWindow, json: Map<number, Buffer>): Buffer[] {
  // Literal text between the buckets' results is gathered, so that the parts are few.
  const parts: Buffer[] = [];
  let text = '{"object":"page","data":[';
  for (let start = w.from; start < w.to; start += w.width) {
    text += `${start === w.from ? '' : ','}{"object":"bucket","start_time":${start},"end_time":${start + w.width},"results":`;
    const list = json.get(start);
    if (list === undefined || list.length < 256) {
      text += list?.toString() ?? '[]';
    } else {
      parts.push(Buffer.from(text), list);
      text = '';
    }
    text += '}';
  }
  const next = w.next === null ? 'null' : JSON.stringify(encodeCursor(w.next, w.width));
  parts.push(Buffer.from(`${text}],"has_more":${w.next !== null},"next_page":${next}}`));
  return parts;
}

/** The distinct group_by fields, in the order given (a repeated field groups once). */
export function distinctGroupBy<T extends string>(groupBy: readonly T[] | undefined): T[] {
  return [...new Set(groupBy ?? [])];
}

/** Serves the ten usage endpoints from the rollups of the requested width. */
export class UsageService {
  constructor(private readonly ctx: AppContext) {}

  /** The page as UTF-8 JSON, in parts. */
  async query(spec: KindSpec, q: UsageQuery): Promise<Buffer[]> {
    const window = bucketWindow(this.ctx, q, WIDTH_SECONDS[q.bucket_width], LIMITS[q.bucket_width]);
    const groupBy = distinctGroupBy(q.group_by as Dimension[] | undefined);
    const filters: repo.RollupQuery['filters'][number][] = [];
    for (const param of spec.filters) {
      const values = q[param] as string[] | undefined;
      if (values !== undefined) filters.push({ column: FILTERS[param], values: [...new Set(values)] });
    }
    if (q.batch !== undefined) filters.push({ column: 'batch', values: [q.batch ? 1 : 0] });
    // Without users or keys in the question, the per-project projection answers with far fewer rows.
    const perKey = [...groupBy, ...filters.map((f) => f.column)].some((d) => d === 'user_id' || d === 'api_key_id');
    const table: repo.RollupTable = q.bucket_width === '1m' ? 'usage_1m' : `usage${perKey ? '' : '_projects'}_${q.bucket_width}`;
    const empty = filters.some((f) => f.values.length === 0);
    const kind = USAGE_KINDS.indexOf(spec.kind);
    const item = resultJson(this.ctx.dialect, spec, groupBy);
    const shape = JSON.stringify([spec.kind, table, groupBy, filters]);
    const json = empty
      ? new Map<number, Buffer>()
      : await bucketCache(this.ctx).buckets(this.ctx, shape, window.from, window.to, window.width, async (from, to) =>
        repo.queryRollup(this.ctx, table, { kind, from, to, groupBy, counters: spec.counters, filters }, item));
    return pageJson(window, json);
  }
}

/** SQL writing the JSON of one result, fields in the order of the result schema (columns as `queryRollup` names them). */
function resultJson(dialect: DialectName, spec: KindSpec, groupBy: readonly Dimension[]): repo.JsonPart[] {
  const parts: repo.JsonPart[] = [{ text: `{"object":${JSON.stringify(spec.object)}` }];
  const derived: Record<string, string> = spec.kind === 'completions' ? COMPLETIONS_DERIVED_SQL : {};
  for (const c of outputCounters(spec)) parts.push({ text: `,"${c}":` }, { sql: derived[c] ?? `g.${c}` });
  for (const d of spec.groupBy) {
    parts.push({ text: `,"${d}":` });
    if (!groupBy.includes(d)) parts.push({ text: 'null' });
    else parts.push({ sql: d === 'batch' ? `case when g.batch = 1 then 'true' else 'false' end` : repo.jsonText(dialect, `g.${d}`) });
  }
  parts.push({ text: '}' });
  return parts;
}

/** Completions counters derived from the stored ones (the spec's uncached and text breakdowns), in SQL. */
const COMPLETIONS_DERIVED_SQL: Record<string, string> = {
  input_uncached_tokens: 'g.input_tokens - g.input_cached_tokens - g.input_cache_write_tokens',
  input_text_tokens: 'g.input_tokens - g.input_cached_tokens - g.input_cache_write_tokens - g.input_audio_tokens - g.input_image_tokens',
  input_cached_text_tokens: 'g.input_cached_tokens - g.input_cached_audio_tokens - g.input_cached_image_tokens',
  output_text_tokens: 'g.output_tokens - g.output_audio_tokens - g.output_image_tokens',
};
