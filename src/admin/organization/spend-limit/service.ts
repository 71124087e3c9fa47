import type { SpendLimitRow } from '../../../core/policies/repository.js';
import * as repo from '../../../core/policies/repository.js';
import type { Principal } from '../../../core/keys/principal.js';
import { inTransaction } from '../../../core/context.js';
import type { Core } from '../../../core/index.js';
import { ApiError } from '../../../platform/errors.js';
import { type PolicyScope, recordPolicyChange, resolveScope } from '../policy-scope.js';
import type { SpendLimit, SpendLimitDeletedOf, SpendLimitOf, UpdateSpendLimitBody } from './schemas.js';

const noLimit = (scope: PolicyScope) =>
  new ApiError(
    404,
    scope.kind === 'organization' ? 'No hard spend limit is set for the organization.' : `No hard spend limit is set for project '${scope.id}'.`,
    'invalid_request_error',
    scope.kind === 'organization' ? null : 'project_id',
    'not_found',
  );

/** Hard spend limits of the organization (`projectId` undefined) or of a project. */
export class SpendLimitService {
  constructor(private readonly ctx: Core) {}

  private async toResource(scope: PolicyScope, row: SpendLimitRow): Promise<SpendLimit> {
    const threshold = Number(row.threshold_amount);
    const spent = await this.ctx.policies.spend.monthToDateCents(scope);
    const fields = {
      threshold_amount: threshold,
      currency: row.currency,
      interval: row.interval,
      enforcement: { status: spent >= threshold ? ('enforcing' as const) : ('inactive' as const) },
    };
    return scope.kind === 'organization' ? { object: 'organization.spend_limit', ...fields } : { object: 'project.spend_limit', ...fields };
  }

  async retrieve<P extends string | undefined>(projectId: P): Promise<SpendLimitOf<P>> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    const row = await repo.findSpendLimit(this.ctx.db, scope.id);
    if (!row) throw noLimit(scope);
    return (await this.toResource(scope, row)) as SpendLimitOf<P>;
  }

  /** Creates or replaces the limit. */
  async update<P extends string | undefined>(actor: Principal, projectId: P, body: UpdateSpendLimitBody): Promise<SpendLimitOf<P>> {
    const { scope, row } = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const row: SpendLimitRow = { scope_id: scope.id, threshold_amount: body.threshold_amount, currency: body.currency, interval: body.interval, updated_at: this.ctx.clock.now() };
      await repo.saveSpendLimit(tx, row);
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, {
        spend_limit: { threshold_amount: body.threshold_amount, currency: body.currency, interval: body.interval },
      });
      return { scope, row };
    });
    await this.ctx.policies.refresh();
    return (await this.toResource(scope, row)) as SpendLimitOf<P>;
  }

  async delete<P extends string | undefined>(actor: Principal, projectId: P): Promise<SpendLimitDeletedOf<P>> {
    const scope = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      if (!(await repo.deleteSpendLimit(tx, scope.id))) throw noLimit(scope);
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, { spend_limit: null });
      return scope;
    });
    await this.ctx.policies.refresh();
    return { object: scope.kind === 'organization' ? 'organization.spend_limit.deleted' : 'project.spend_limit.deleted', deleted: true } as SpendLimitDeletedOf<P>;
  }
}
