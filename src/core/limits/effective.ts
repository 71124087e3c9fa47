import type { Kysely } from 'kysely';
import { type CatalogModel, type ModelCatalog, RATE_LIMIT_FIELDS } from '../catalog/index.js';
import type { DB } from '../../platform/db/schema.js';

export type RateLimitField = (typeof RATE_LIMIT_FIELDS)[number];
export type RateLimitValues = Partial<Record<RateLimitField, number>>;

/**
 * A project's limit for one field: the organization-level (catalog) limit, lowered by the
 * project's own, if any. An override above a since-lowered organization limit yields to it.
 */
export function effectiveLimit(organization: number, own: number | null | undefined): number {
  return own == null ? organization : Math.min(Number(own), organization);
}

/** A project's limits for one model: every field that applies to the model. */
export function effectiveLimits(model: CatalogModel, own: Partial<Record<RateLimitField, number | null>> | undefined): RateLimitValues {
  const out: RateLimitValues = {};
  for (const field of RATE_LIMIT_FIELDS) {
    const org = model.rate_limits[field];
    if (org !== undefined) out[field] = effectiveLimit(org, own?.[field]);
  }
  return out;
}

/**
 * Effective rate limits per project and model, from memory: the projects' overrides are read at
 * start and again whenever a change to them is announced (db/changes.ts).
 */
export class LimitsTable {
  private overrides = new Map<string, Partial<Record<RateLimitField, number | null>>>();
  private cache = new Map<string, RateLimitValues>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly catalog: ModelCatalog,
  ) {}

  async refresh(): Promise<void> {
    const rows = await this.db.selectFrom('project_rate_limits').selectAll().execute();
    this.overrides = new Map(rows.map((r) => [`${r.project_id} ${r.model}`, r]));
    this.cache = new Map();
  }

  /** The limits of `projectId` for a catalog model. */
  get(projectId: string, model: CatalogModel): RateLimitValues {
    const key = `${projectId} ${model.id}`;
    let limits = this.cache.get(key);
    if (limits === undefined) this.cache.set(key, (limits = effectiveLimits(model, this.overrides.get(key))));
    return limits;
  }
}
