import { writeAudit } from '../audit.js';
import { issueKey } from '../keys/index.js';
import { type AppContext, inTransaction } from '../../core/context.js';
import { newId } from '../../platform/ids.js';
import type { Core } from '../index.js';
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
    // Replicas starting together on an empty database: inTransaction's organization lock (which
    // works on an empty database too) lets one create the organization; the others then find it.
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
 * Start-up check for a database that was already bootstrapped: a configured ORGPLANE_ADMIN_KEY must
 * be one of its live admin keys. Otherwise (another replica bootstrapped the database with another
 * key, or the key was deleted or has expired) the reason is returned, so that the server says so
 * at start instead of answering every request with 401.
 */
export async function configuredKeyProblem(core: Core, adminKey: string): Promise<string | undefined> {
  const resolved = await core.keys.resolve(adminKey);
  if (resolved && resolved.principal.kind === 'admin') return undefined;
  return 'ORGPLANE_ADMIN_KEY is not an admin key of the organization already in this database (it was bootstrapped with another key, or the key was deleted or has expired). Unset ORGPLANE_ADMIN_KEY, or set it to a live admin key of that organization.';
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
