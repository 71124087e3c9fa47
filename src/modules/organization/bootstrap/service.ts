import { issueKey } from '../../../shared/auth/key-store.js';
import { type AppContext, inTransaction } from '../../../shared/context.js';
import { newId } from '../../../shared/ids.js';

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
    const existing = await tx.selectFrom('organization').select('id').executeTakeFirst();
    if (existing) return undefined;
    const now = ctx.clock.now();
    const organizationId = newId('organization');
    const ownerUserId = newId('user');
    const defaultProjectId = newId('project');
    await tx.insertInto('organization').values({ id: organizationId, name: opts.organizationName ?? 'Personal', created_at: now }).execute();
    await tx.insertInto('users').values({ id: ownerUserId, name: opts.ownerName ?? 'Owner', email: opts.ownerEmail ?? 'owner@example.com', role: 'owner', added_at: now }).execute();
    await tx.insertInto('projects').values({
      id: defaultProjectId, name: 'Default project', created_at: now, archived_at: null, status: 'active',
      external_key_id: null, residency: null, is_default: 1,
    }).execute();
    await tx.insertInto('project_users').values({ project_id: defaultProjectId, user_id: ownerUserId, role: 'owner', added_at: now }).execute();
    const { value } = await issueKey(tx, {
      kind: 'admin', name: 'Bootstrap admin key', projectId: null, ownerType: 'user', ownerId: ownerUserId, expiresAt: null, createdAt: now,
    }, opts.adminKey);
    return { organizationId, ownerUserId, defaultProjectId, adminKey: value };
  });
}
