import { type CatalogModel, RATE_LIMIT_FIELDS } from '../catalog/index.js';
import type { AppContext, Executor } from '../context.js';
import * as store from './store.js';

export type RateLimitField = (typeof RATE_LIMIT_FIELDS)[number];
export type { RateLimitOverrideRow } from './store.js';

/** A project's effective limits for one model: only the fields that apply to the model. */
export interface EffectiveRateLimits {
  model: CatalogModel;
  limits: Partial<Record<RateLimitField, number>>;
}

/**
 * A project's limits for one model: the catalog's organization-level limits, lowered by the
 * project's overrides. An override above a since-lowered organization limit yields to it.
 */
export function effectiveLimits(model: CatalogModel, override: store.RateLimitOverrideRow | undefined): EffectiveRateLimits {
  const limits: EffectiveRateLimits['limits'] = {};
  for (const field of RATE_LIMIT_FIELDS) {
    const org = model.rate_limits[field];
    if (org === undefined) continue;
    const own = override?.[field];
    limits[field] = own == null ? org : Math.min(Number(own), org);
  }
  return { model, limits };
}

/** Effective rate limits per project and model (catalog defaults + project overrides), for both planes. One instance (createCore). */
export class RateLimits {
  constructor(private readonly ctx: AppContext) {}

  /** The project's limits for every catalog model, in catalog order. */
  async forProject(projectId: string, db: Executor = this.ctx.db): Promise<EffectiveRateLimits[]> {
    const overrides = new Map((await store.listOverrides(db, projectId)).map((r) => [r.model, r]));
    return this.ctx.catalog.models.map((m) => effectiveLimits(m, overrides.get(m.id)));
  }

  /** The project's limits for one model; undefined when the catalog has no such model. */
  async forModel(projectId: string, modelId: string, db: Executor = this.ctx.db): Promise<EffectiveRateLimits | undefined> {
    const model = this.ctx.catalog.models.find((m) => m.id === modelId);
    if (!model) return undefined;
    return effectiveLimits(model, await store.findOverride(db, projectId, model.id));
  }
}
