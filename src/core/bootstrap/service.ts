import { writeAudit } from '../audit.js';
import { issueKey } from '../keys/index.js';
import { type AppContext, inTransaction } from '../../core/context.js';
import { newId } from '../../platform/ids.js';
import * as repo from './repository.js';

export interface BootstrapResult {
  organizationId: string;
  ownerUserId: string;
  defaultProjectId: string;
  /** The admin key's secret; present only on the first start. */
  adminKey: string;
}

export interface BootstrapOptions {
  adminKey?: string;
  ownerEmail?: string;
  ownerName?: string;
  organizationName?: string;
}

/**
 * On an empty database: one organization, its owner, the Default project (owner as project
 * owner) and an admin key owned by the owner. Returns undefined when already bootstrapped.
 */
export async function bootstrapOrganization(ctx: AppContext, opts: BootstrapOptions = {}): Promise<BootstrapResult | undefined> {
  return inTransaction(ctx, async (tx) => {
    if (await repo.organizationExists(tx)) return undefined;
    const now = ctx.clock.now();
    const organizationId = newId('organization');
    const ownerUserId = newId('user');
    const defaultProjectId = newId('project');
    await repo.insertOrganization(tx, {
      organization: { id: organizationId, name: opts.organizationName ?? 'Personal' },
      owner: { id: ownerUserId, name: opts.ownerName ?? 'Owner', email: opts.ownerEmail ?? 'owner@example.com' },
      defaultProject: { id: defaultProjectId, name: 'Default project' },
      now,
    });
    const { value } = await issueKey(tx, {
      kind: 'admin', name: 'Bootstrap admin key', projectId: null, ownerType: 'user', ownerId: ownerUserId, expiresAt: null, createdAt: now,
    }, opts.adminKey);
    return { organizationId, ownerUserId, defaultProjectId, adminKey: value };
  });
}

/**
 * Recovery (`orgplane admin-key create`): a new admin key owned by an organization owner — the one
 * with `ownerEmail`, or the earliest — audited as `api_key.created` with no actor (it comes from the
 * command line, not through the API).
 */
export async function createRecoveryAdminKey(ctx: AppContext, opts: { name: string; ownerEmail?: string }): Promise<{ id: string; value: string; ownerEmail: string }> {
  return inTransaction(ctx, async (tx) => {
    const owner = await repo.findOwner(tx, opts.ownerEmail);
    if (!owner) {
      throw new Error(opts.ownerEmail ? `no organization owner has the email ${opts.ownerEmail}` : 'the organization has no owner (is the database bootstrapped?)');
    }
    const now = ctx.clock.now();
    const { row, value } = await issueKey(tx, {
      kind: 'admin', name: opts.name, projectId: null, ownerType: 'user', ownerId: owner.id, expiresAt: null, createdAt: now,
    });
    await writeAudit(tx, ctx.clock, null, { type: 'api_key.created', resourceId: row.id, details: { id: row.id, data: { scopes: ['api.management.read', 'api.management.write'] } } });
    return { id: row.id, value, ownerEmail: owner.email };
  });
}
