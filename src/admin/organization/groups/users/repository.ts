import type { Executor } from '../../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../../platform/pagination.js';
import { inserted } from '../../../../platform/db/database.js';

/** Members of a group with their organization profile. */
function groupUsers(db: Executor, groupId: string) {
  return db.selectFrom('group_users as gu').innerJoin('users as u', 'u.id', 'gu.user_id').select(['u.id', 'u.name', 'u.email']).where('gu.group_id', '=', groupId);
}

export type GroupUserRow = Awaited<ReturnType<ReturnType<typeof groupUsers>['executeTakeFirstOrThrow']>>;

export function findGroupUser(db: Executor, groupId: string, userId: string): Promise<GroupUserRow | undefined> {
  return groupUsers(db, groupId).where('gu.user_id', '=', userId).executeTakeFirst();
}

/** In organization order (the cursor is a user ID, so pages follow the users' own sequence). */
export function listGroupUsers(db: Executor, groupId: string, page: PageRequest) {
  return pageBySeq(db, groupUsers(db, groupId), { ...page, seqRef: 'u.seq', cursorTable: 'users' });
}

/** False when the user is already a member. */
export async function insertGroupUser(db: Executor, groupId: string, userId: string, addedAt: number): Promise<boolean> {
  return inserted(await db.insertInto('group_users').values({ group_id: groupId, user_id: userId, added_at: addedAt }).onConflict((oc) => oc.doNothing()).executeTakeFirst());
}

export async function deleteGroupUser(db: Executor, groupId: string, userId: string): Promise<void> {
  await db.deleteFrom('group_users').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
}
