import type { Selectable } from 'kysely';
import type { GroupTable } from '../../../platform/db/tables/access-control.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export type GroupRow = Selectable<GroupTable>;

export function findGroup(db: Executor, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listGroups(db: Executor, page: PageRequest) {
  return pageBySeq(db, db.selectFrom('groups').selectAll(), { ...page, seqRef: 'groups.seq', cursorTable: 'groups' });
}

export async function insertGroup(db: Executor, row: Omit<GroupRow, 'seq'>): Promise<void> {
  await db.insertInto('groups').values(row).execute();
}

export async function renameGroup(db: Executor, id: string, name: string): Promise<void> {
  await db.updateTable('groups').set({ name }).where('id', '=', id).execute();
}

/** Deletes the group; its memberships, project access and role assignments go with it (foreign keys). */
export async function deleteGroup(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('groups').where('id', '=', id).execute();
}
