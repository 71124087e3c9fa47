import type { Executor } from '../context.js';

/**
 * API keys with their owner's fields (a user or a service account; a removed owner's fields are
 * null). Every query of keys with their owner starts here: authentication, the admin-key and
 * project-key endpoints.
 */
export function keysWithOwner(db: Executor) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'k.owner_id').on('k.owner_type', '=', 'user'))
    .leftJoin('service_accounts as s', (j) => j.onRef('s.id', '=', 'k.owner_id').on('k.owner_type', '=', 'service_account'))
    .select([
      'k.id', 'k.kind', 'k.name', 'k.redacted_value', 'k.project_id', 'k.owner_type', 'k.owner_id', 'k.created_at', 'k.expires_at', 'k.last_used_at',
      'u.name as user_name', 'u.email as user_email', 'u.added_at as user_added_at',
      's.name as sa_name', 's.role as sa_role', 's.created_at as sa_created_at',
    ]);
}

export async function deleteKey(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('api_keys').where('id', '=', id).execute();
}

/** Deletes the keys an owner holds, in one project or (without `projectId`) everywhere. */
export async function deleteOwnerKeys(db: Executor, ownerType: 'user' | 'service_account', ownerId: string, projectId?: string): Promise<void> {
  let q = db.deleteFrom('api_keys').where('owner_type', '=', ownerType).where('owner_id', '=', ownerId);
  if (projectId !== undefined) q = q.where('project_id', '=', projectId);
  await q.execute();
}
