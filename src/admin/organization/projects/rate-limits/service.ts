import { type CatalogModel, RATE_LIMIT_FIELDS } from '../../../../core/catalog/index.js';
import { writeAudit } from '../../../../core/audit.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../../core/context.js';
import { badRequest, notFound } from '../../../../platform/errors.js';
import { IdPrefix } from '../../../../platform/ids.js';
import { listEnvelope, pageArray } from '../../../../platform/pagination.js';
import { auditProject, requireActiveProject, requireProject } from '../service.js';
import { effectiveLimits } from '../../../../core/limits/effective.js';
import * as repo from '../../../../core/limits/store.js';
import type { ProjectRateLimit, UpdateRateLimitBody } from './schemas.js';

/** Rate-limit IDs are derived from the model, so they are the same in every project and across restarts. */
export const rateLimitId = (modelId: string) => `${IdPrefix.rateLimit}${modelId}`;

/** A project's limits for one model (core/limits), as the API shows them. */
function toRateLimit(model: CatalogModel, override: repo.RateLimitOverrideRow | undefined): ProjectRateLimit {
  return { object: 'project.rate_limit', id: rateLimitId(model.id), model: model.id, ...effectiveLimits(model, override) } as ProjectRateLimit;
}

export interface RateLimitPage {
  limit: number;
  after?: string;
  before?: string;
}

export class ProjectRateLimitsService {
  constructor(private readonly ctx: AppContext) {}

  /** One record per catalog model, in catalog order; cursors are rate-limit IDs. */
  async list(projectId: string, page: RateLimitPage) {
    await requireProject(this.ctx.db, projectId);
    const overrides = new Map((await repo.listOverrides(this.ctx.db, projectId)).map((r) => [r.model, r]));
    const { rows, hasMore } = pageArray(this.ctx.catalog.models, (m) => rateLimitId(m.id), page);
    return listEnvelope(rows.map((m) => toRateLimit(m, overrides.get(m.id))), hasMore);
  }

  /**
   * Sets the project's own limits for one model. Only fields that apply to the model are accepted,
   * and none may exceed the organization-level limit.
   */
  async update(actor: Principal, projectId: string, id: string, body: UpdateRateLimitBody): Promise<ProjectRateLimit> {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const model = this.ctx.catalog.models.find((m) => rateLimitId(m.id) === id);
      if (!model) throw notFound('rate limit', id, 'rate_limit_id');
      const requested: Partial<Record<(typeof RATE_LIMIT_FIELDS)[number], number>> = {};
      for (const field of RATE_LIMIT_FIELDS) {
        const value = body[field];
        if (value === undefined) continue;
        const org = model.rate_limits[field];
        if (org === undefined) throw badRequest(`'${field}' does not apply to model '${model.id}'.`, field, 'invalid_value');
        if (value > org) {
          throw badRequest(`'${field}' cannot exceed the organization limit of ${org} for model '${model.id}'.`, field, 'exceeds_organization_limit');
        }
        requested[field] = value;
      }
      const existing = await repo.findOverride(tx, projectId, model.id);
      if (Object.keys(requested).length === 0) return toRateLimit(model, existing);
      const row: repo.RateLimitOverrideRow = {
        project_id: projectId,
        model: model.id,
        max_requests_per_1_minute: null,
        max_tokens_per_1_minute: null,
        max_images_per_1_minute: null,
        max_audio_megabytes_per_1_minute: null,
        max_requests_per_1_day: null,
        batch_1_day_max_input_tokens: null,
        ...existing,
        ...requested,
        updated_at: this.ctx.clock.now(),
      };
      await repo.saveOverride(tx, row);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'rate_limit.updated',
        resourceId: id,
        project: auditProject(project),
        details: { id, changes_requested: requested },
      });
      return toRateLimit(model, row);
    });
  }
}
