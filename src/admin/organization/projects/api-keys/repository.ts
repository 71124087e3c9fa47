import type { Executor } from '../../../../platform/context.js';
import { pageBySeq, type PageRequest } from '../../../../platform/pagination.js';

export type OwnerAccess = 'active' | 'inactive' | 'any';

/**
 * A project's keys with their owner's display fields. Keys whose owner no longer exists are
 * dead (they no longer authenticate) and are left out.
 */
function projectKeys(db: Executor, projectId: string) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'k.owner_id').on('k.owner_type', '=', 'user'))
    .leftJoin('project_users as pu', (j) => j.onRef('pu.user_id', '=', 'k.owner_id').onRef('pu.project_id', '=', 'k.project_id').on('k.owner_type', '=', 'user'))
    .leftJoin('service_accounts as s', (j) => j.onRef('s.id', '=', 'k.owner_id').on('k.owner_type', '=', 'service_account'))
    .select([
      'k.id', 'k.name', 'k.redacted_value', 'k.created_at', 'k.last_used_at', 'k.owner_type', 'k.owner_id',
      'u.name as user_name', 'u.email as user_email', 'u.added_at as user_added_at', 'pu.role as user_role',
      's.name as sa_name', 's.role as sa_role', 's.created_at as sa_created_at',
    ])
    .where('k.kind', '=', 'project')
    .where('k.project_id', '=', projectId)
    .where((eb) => eb.or([eb('u.id', 'is not', null), eb('s.id', 'is not', null)]));
}

export type ProjectKeyRow = Awaited<ReturnType<ReturnType<typeof projectKeys>['executeTakeFirstOrThrow']>>;

export function findProjectKey(db: Executor, projectId: string, id: string): Promise<ProjectKeyRow | undefined> {
  return projectKeys(db, projectId).where('k.id', '=', id).executeTakeFirst();
}

/** `access` filters on the owner's access to the project (membership, or a service-account role other than `none`). */
export function listProjectKeys(db: Executor, projectId: string, access: OwnerAccess, page: PageRequest) {
  let q = projectKeys(db, projectId);
  if (access !== 'any') {
    q = q.where((eb) => {
      const active = eb.or([eb('pu.user_id', 'is not', null), eb.and([eb('s.id', 'is not', null), eb('s.role', '!=', 'none')])]);
      return access === 'active' ? active : eb.not(active);
    });
  }
  return pageBySeq(db, q, { ...page, seqRef: 'k.seq', cursorTable: 'api_keys' });
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
