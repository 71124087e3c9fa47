import { type Dimension, FILTERS, type FilterParam, type KindSpec, USAGE_KINDS } from './kinds.js';
import type { BucketCache } from './bucket-cache.js';
import type { CostQuery, RollupQuery, RollupTable, UsageStore } from './store.js';

/** Buckets `width` seconds apart from `from` to `to` (exclusive), aligned to UTC boundaries of the width. */
export interface BucketRange {
  from: number;
  to: number;
  width: number;
}

export interface UsageQuestion extends BucketRange {
  /** Group keys (a repeated one groups once). */
  groupBy?: readonly Dimension[];
  /** The kind's list filters, by parameter name (an empty list matches nothing). */
  filters?: Partial<Record<FilterParam, readonly string[]>>;
  /** Completions: only batch (true) or only non-batch (false) usage. */
  batch?: boolean;
}

export interface CostsQuestion extends BucketRange {
  groupBy?: CostQuery['groupBy'];
  projectIds?: readonly string[];
  apiKeyIds?: readonly string[];
}

/** The distinct group_by fields, in the order given (a repeated field groups once). */
function distinct<T extends string>(groupBy: readonly T[] | undefined): T[] {
  return [...new Set(groupBy ?? [])];
}

/**
 * Answers usage and costs questions from the rollups: per bucket of the range, the JSON of its
 * results (absent: no results), from the bucket cache where current.
 */
export class UsageQueries {
  constructor(private readonly store: UsageStore, private readonly cache: BucketCache) {}

  /** Usage of one kind, from the rollups of the question's width. */
  async usage(spec: KindSpec, q: UsageQuestion): Promise<Map<number, Buffer>> {
    const groupBy = distinct(q.groupBy);
    const filters: RollupQuery['filters'][number][] = [];
    for (const param of spec.filters) {
      const values = q.filters?.[param];
      if (values !== undefined) filters.push({ column: FILTERS[param], values: [...new Set(values)] });
    }
    if (q.batch !== undefined) filters.push({ column: 'batch', values: [q.batch ? 1 : 0] });
    // Without users or keys in the question, the per-project projection answers with far fewer rows.
    const perKey = [...groupBy, ...filters.map((f) => f.column)].some((d) => d === 'user_id' || d === 'api_key_id');
    const table: RollupTable = q.width === 60 ? 'usage_1m' : `usage${perKey ? '' : '_projects'}_${q.width === 3600 ? '1h' : '1d'}`;
    if (filters.some((f) => f.values.length === 0)) return new Map();
    const kind = USAGE_KINDS.indexOf(spec.kind);
    const shape = JSON.stringify([spec.kind, table, groupBy, filters]);
    return this.cache.buckets(shape, q.from, q.to, q.width, (from, to) => this.store.usage(table, spec, { kind, from, to, groupBy, filters }));
  }

  /** Costs, from the daily cost rollups (priced when the usage was ingested). */
  async costs(q: CostsQuestion): Promise<Map<number, Buffer>> {
    const groupBy = distinct(q.groupBy);
    const filters: CostQuery['filters'][number][] = [];
    if (q.projectIds) filters.push({ column: 'project_id', values: [...new Set(q.projectIds)] });
    if (q.apiKeyIds) filters.push({ column: 'api_key_id', values: [...new Set(q.apiKeyIds)] });
    if (filters.some((f) => f.values.length === 0)) return new Map();
    const table = groupBy.includes('api_key_id') || q.apiKeyIds !== undefined ? 'usage_costs_1d' : 'usage_costs_projects_1d';
    const shape = JSON.stringify(['costs', table, groupBy, filters]);
    return this.cache.buckets(shape, q.from, q.to, q.width, (from, to) => this.store.costs(table, { from, to, groupBy, filters }));
  }
}
