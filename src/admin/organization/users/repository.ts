import { lockRows } from '../../../platform/db/database.js';
import { type Selectable, sql } from 'kysely';
import type { UserTable } from '../../../platform/db/tables/foundation.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';
import { deleteOwnerKeys } from '../../../core/keys/store.js';

export type UserRow = Selectable<UserTable>;

export async function findUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The member with this email address, compared case-insensitively. */
export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
}

export async function listUsers(db: Executor, page: PageRequest, emails?: string[]) {
  let q = db.selectFrom('users').selectAll();
  if (emails?.length) q = q.where(sql<string>`lower(email)`, 'in', emails.map((e) => e.toLowerCase()));
  return pageBySeq(db, q, { ...page, seqRef: 'users.seq', cursorTable: 'users' });
}

/**
 * IDs of the organization's owners, their rows locked until the transaction ends, so two
 * concurrent demotions or removals cannot both see another owner left.
 */
export async function ownerIds(db: Executor): Promise<string[]> {
  return (await lockRows(db, db.selectFrom('users').select('id').where('role', '=', 'owner')).execute()).map((r) => r.id);
}

export async function insertUser(db: Executor, row: Omit<UserRow, 'seq'>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUserRole(db: Executor, id: string, role: UserRow['role']): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', id).execute();
}

/** Number of admin keys owned by anyone but this user. */
export async function countOtherAdminKeys(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'admin')
    .where((eb) => eb.or([eb('owner_type', '!=', 'user'), eb('owner_id', '!=', userId)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Removes a user. Their API keys (admin and project) are deleted here; project memberships and
 * every other row referencing the user go with it through ON DELETE CASCADE.
 */
export async function deleteUser(db: Executor, id: string): Promise<void> {
  await deleteOwnerKeys(db, 'user', id);
  await db.deleteFrom('users').where('id', '=', id).execute();
}
