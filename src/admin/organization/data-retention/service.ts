import { DEFAULT_ORGANIZATION_RETENTION, DEFAULT_PROJECT_RETENTION } from '../../../core/policies/retention.js';
import * as repo from '../../../core/policies/repository.js';
import type { Principal } from '../../../core/keys/principal.js';
import { inTransaction } from '../../../core/context.js';
import type { Core } from '../../../core/index.js';
import { badRequest } from '../../../platform/errors.js';
import { type PolicyScope, recordPolicyChange, resolveScope } from '../policy-scope.js';
import type { DataRetention, DataRetentionOf, OrganizationRetentionType, ProjectRetentionType, UpdateDataRetentionBody } from './schemas.js';

function toRetention(scope: PolicyScope, type: string | undefined): DataRetention {
  return scope.kind === 'organization'
    ? { object: 'organization.data_retention', type: (type ?? DEFAULT_ORGANIZATION_RETENTION) as OrganizationRetentionType }
    : { object: 'project.data_retention', type: (type ?? DEFAULT_PROJECT_RETENTION) as ProjectRetentionType };
}

/** Data retention controls of the organization (`projectId` undefined) or of a project. */
export class DataRetentionService {
  constructor(private readonly ctx: Core) {}

  async retrieve<P extends string | undefined>(projectId: P): Promise<DataRetentionOf<P>> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    return toRetention(scope, (await repo.findDataRetention(this.ctx.db, scope.id))?.type) as DataRetentionOf<P>;
  }

  async update<P extends string | undefined>(actor: Principal, projectId: P, body: UpdateDataRetentionBody): Promise<DataRetentionOf<P>> {
    const result = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      // The route's schema already holds organizations to their enum; this guards direct callers.
      if (scope.kind === 'organization' && (body.retention_type === 'organization_default' || body.retention_type === 'none')) {
        throw badRequest(`Invalid value for 'retention_type': '${body.retention_type}' applies to projects only.`, 'retention_type', 'invalid_value');
      }
      const current = (await repo.findDataRetention(tx, scope.id))?.type;
      if (current !== body.retention_type) {
        await repo.saveDataRetention(tx, { scope_id: scope.id, type: body.retention_type, updated_at: this.ctx.clock.now() });
        await recordPolicyChange(tx, this.ctx.clock, actor, scope, { data_retention: body.retention_type });
      }
      return toRetention(scope, body.retention_type);
    });
    await this.ctx.policies.refresh();
    return result as DataRetentionOf<P>;
  }
}
