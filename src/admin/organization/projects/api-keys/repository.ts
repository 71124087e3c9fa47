import type { Executor } from '../../../../core/context.js';
import { keysWithOwner } from '../../../../core/keys/store.js';
import { pageBySeq, type PageRequest } from '../../../../platform/pagination.js';

export { deleteKey } from '../../../../core/keys/store.js';

export type OwnerAccess = 'active' | 'inactive' | 'any';

/**
 * A project's keys with their owner's display fields. Keys whose owner no longer exists are
 * dead (they no longer authenticate) and are left out.
 */
function projectKeys(db: Executor, projectId: string) {
  return keysWithOwner(db)
    .leftJoin('project_users as pu', (j) => j.onRef('pu.user_id', '=', 'k.owner_id').onRef('pu.project_id', '=', 'k.project_id').on('k.owner_type', '=', 'user'))
    .select('pu.role as user_role')
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
