import type { Executor } from '../../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../../platform/pagination.js';
import { inserted } from '../../../../platform/db/database.js';

/** Groups with access to a project, with the group's name. */
function projectGroups(db: Executor, projectId: string) {
  return db
    .selectFrom('project_groups as pg')
    .innerJoin('groups as g', 'g.id', 'pg.group_id')
    .select(['pg.project_id', 'pg.group_id', 'g.name as group_name', 'pg.created_at'])
    .where('pg.project_id', '=', projectId);
}

export type ProjectGroupRow = Awaited<ReturnType<ReturnType<typeof projectGroups>['executeTakeFirstOrThrow']>>;

export function findProjectGroup(db: Executor, projectId: string, groupId: string): Promise<ProjectGroupRow | undefined> {
  return projectGroups(db, projectId).where('pg.group_id', '=', groupId).executeTakeFirst();
}

/** In group creation order (the cursor is a group ID). */
export function listProjectGroups(db: Executor, projectId: string, page: PageRequest) {
  return pageBySeq(db, projectGroups(db, projectId), { ...page, seqRef: 'g.seq', cursorTable: 'groups' });
}

/** False when the group already has access. */
export async function insertProjectGroup(db: Executor, projectId: string, groupId: string, createdAt: number): Promise<boolean> {
  return inserted(await db.insertInto('project_groups').values({ project_id: projectId, group_id: groupId, created_at: createdAt }).onConflict((oc) => oc.doNothing()).executeTakeFirst());
}

/** Removes the group's access; its project role assignments go with it (foreign key). */
export async function deleteProjectGroup(db: Executor, projectId: string, groupId: string): Promise<void> {
  await db.deleteFrom('project_groups').where('project_id', '=', projectId).where('group_id', '=', groupId).execute();
}
