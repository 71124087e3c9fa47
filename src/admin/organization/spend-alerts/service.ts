import type { SpendAlertRow } from '../../../core/policies/repository.js';
import * as repo from '../../../core/policies/repository.js';
import type { Principal } from '../../../core/keys/principal.js';
import { inTransaction } from '../../../core/context.js';
import type { Core } from '../../../core/index.js';
import { notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { listEnvelope, pageBySeq } from '../../../platform/pagination.js';
import { type PolicyScope, recordPolicyChange, resolveScope } from '../policy-scope.js';
import type { Page } from '../../../platform/pagination.js';
import type { ListSpendAlertsQuery, SpendAlert, SpendAlertBody, SpendAlertDeletedOf, SpendAlertOf } from './schemas.js';

function toAlert(scope: PolicyScope, row: SpendAlertRow): SpendAlert {
  const fields = {
    id: row.id,
    threshold_amount: Number(row.threshold_amount),
    currency: row.currency,
    interval: row.interval,
    notification_channel: { type: 'email' as const, recipients: JSON.parse(row.recipients) as string[], subject_prefix: row.subject_prefix },
  };
  return scope.kind === 'organization' ? { ...fields, object: 'organization.spend_alert' } : { ...fields, object: 'project.spend_alert' };
}

/** What an audit event records of an alert. */
const auditAlert = (id: string, body: SpendAlertBody) => ({ id, threshold_amount: body.threshold_amount, currency: body.currency, interval: body.interval, notification_channel: body.notification_channel });

/** Spend alerts of the organization (`projectId` undefined) or of a project. Alert IDs belong to one scope. */
export class SpendAlertsService {
  constructor(private readonly ctx: Core) {}

  async list<P extends string | undefined>(projectId: P, query: ListSpendAlertsQuery): Promise<Page<SpendAlertOf<P>>> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    const { rows, hasMore } = await pageBySeq(this.ctx.db, this.ctx.db.selectFrom('spend_alerts').selectAll().where('scope_id', '=', scope.id), {
      ...query,
      seqRef: 'spend_alerts.seq',
      cursorTable: 'spend_alerts',
    });
    return listEnvelope(rows.map((r) => toAlert(scope, r) as SpendAlertOf<P>), hasMore);
  }

  async retrieve<P extends string | undefined>(projectId: P, id: string): Promise<SpendAlertOf<P>> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    const row = await repo.findSpendAlert(this.ctx.db, scope.id, id);
    if (!row) throw notFound('spend alert', id, 'alert_id');
    return toAlert(scope, row) as SpendAlertOf<P>;
  }

  async create<P extends string | undefined>(actor: Principal, projectId: P, body: SpendAlertBody): Promise<SpendAlertOf<P>> {
    const result = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const now = this.ctx.clock.now();
      const row: SpendAlertRow = {
        seq: 0,
        id: newId('spendAlert'),
        scope_id: scope.id,
        threshold_amount: body.threshold_amount,
        currency: body.currency,
        interval: body.interval,
        recipients: JSON.stringify(body.notification_channel.recipients),
        subject_prefix: body.notification_channel.subject_prefix ?? null,
        created_at: now,
        updated_at: now,
      };
      const { seq: _seq, ...values } = row;
      await repo.insertSpendAlert(tx, values);
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, { spend_alert_created: auditAlert(row.id, body) });
      return toAlert(scope, row);
    });
    await this.ctx.policies.refresh();
    return result as SpendAlertOf<P>;
  }

  /** Replaces the alert's settings (the body is the create body: every field is given). */
  async update<P extends string | undefined>(actor: Principal, projectId: P, id: string, body: SpendAlertBody): Promise<SpendAlertOf<P>> {
    const result = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const existing = await repo.findSpendAlert(tx, scope.id, id);
      if (!existing) throw notFound('spend alert', id, 'alert_id');
      const changes = {
        threshold_amount: body.threshold_amount,
        currency: body.currency,
        interval: body.interval,
        recipients: JSON.stringify(body.notification_channel.recipients),
        subject_prefix: body.notification_channel.subject_prefix ?? null,
        updated_at: this.ctx.clock.now(),
      };
      await repo.updateSpendAlert(tx, id, changes);
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, { spend_alert_updated: auditAlert(id, body) });
      return toAlert(scope, { ...existing, ...changes });
    });
    await this.ctx.policies.refresh();
    return result as SpendAlertOf<P>;
  }

  async delete<P extends string | undefined>(actor: Principal, projectId: P, id: string): Promise<SpendAlertDeletedOf<P>> {
    const scope = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      if (!(await repo.findSpendAlert(tx, scope.id, id))) throw notFound('spend alert', id, 'alert_id');
      await repo.deleteSpendAlert(tx, id);
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, { spend_alert_deleted: { id } });
      return scope;
    });
    await this.ctx.policies.refresh();
    return { id, object: scope.kind === 'organization' ? 'organization.spend_alert.deleted' : 'project.spend_alert.deleted', deleted: true } as SpendAlertDeletedOf<P>;
  }
}
