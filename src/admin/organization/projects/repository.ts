import type { Selectable } from 'kysely';
import type { ProjectTable } from '../../../platform/db/tables/foundation.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export type ProjectRow = Selectable<ProjectTable>;

export async function findProject(db: Executor, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listProjects(db: Executor, page: PageRequest, includeArchived: boolean) {
  let q = db.selectFrom('projects').selectAll();
  if (!includeArchived) q = q.where('status', '=', 'active');
  return pageBySeq(db, q, { ...page, seqRef: 'projects.seq', cursorTable: 'projects' });
}

export async function insertProject(db: Executor, row: Omit<ProjectRow, 'seq'>): Promise<void> {
  await db.insertInto('projects').values(row).execute();
}

export async function updateProject(db: Executor, id: string, changes: Partial<Omit<ProjectRow, 'seq' | 'id'>>): Promise<void> {
  await db.updateTable('projects').set(changes).where('id', '=', id).execute();
}
