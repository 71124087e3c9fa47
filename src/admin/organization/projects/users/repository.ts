import type { Executor } from '../../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../../platform/pagination.js';
import type { ProjectUserTable } from '../../../../platform/db/tables/foundation.js';

/** Project members with their organization profile. */
function projectUsers(db: Executor, projectId: string) {
  return db
    .selectFrom('project_users as pu')
    .innerJoin('users as u', 'u.id', 'pu.user_id')
    .select(['u.id', 'u.name', 'u.email', 'pu.role', 'pu.added_at'])
    .where('pu.project_id', '=', projectId);
}

export type ProjectUserRow = Awaited<ReturnType<ReturnType<typeof projectUsers>['executeTakeFirstOrThrow']>>;

export function findProjectUser(db: Executor, projectId: string, userId: string): Promise<ProjectUserRow | undefined> {
  return projectUsers(db, projectId).where('pu.user_id', '=', userId).executeTakeFirst();
}

/** In organization order (the cursor is a user ID, so pages follow the users' own sequence). */
export function listProjectUsers(db: Executor, projectId: string, page: PageRequest) {
  return pageBySeq(db, projectUsers(db, projectId), { ...page, seqRef: 'u.seq', cursorTable: 'users' });
}

export async function insertProjectUser(db: Executor, row: Omit<ProjectUserTable, 'seq'>): Promise<void> {
  await db.insertInto('project_users').values(row).execute();
}

export async function updateProjectUserRole(db: Executor, projectId: string, userId: string, role: ProjectUserTable['role']): Promise<void> {
  await db.updateTable('project_users').set({ role }).where('project_id', '=', projectId).where('user_id', '=', userId).execute();
}

export async function deleteProjectUser(db: Executor, projectId: string, userId: string): Promise<void> {
  await db.deleteFrom('project_users').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
}
