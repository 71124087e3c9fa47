import { type Selectable, sql } from 'kysely';
import type { InviteTable } from '../../../platform/db/tables/foundation.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export type InviteRow = Selectable<InviteTable>;

export async function findInvite(db: Executor, id: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The pending invite for this email (case-insensitive; at most one, by a unique index), expired or not. */
export async function findPendingInvite(db: Executor, email: string): Promise<InviteRow | undefined> {
  return db
    .selectFrom('invites')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', sql<string>`lower(${email})`)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** Retires a pending invite that has expired, so that the email can be invited again. */
export async function markExpired(db: Executor, id: string): Promise<void> {
  await db.updateTable('invites').set({ status: 'expired' }).where('id', '=', id).where('status', '=', 'pending').execute();
}

export async function listInvites(db: Executor, page: PageRequest) {
  return pageBySeq(db, db.selectFrom('invites').selectAll(), { ...page, seqRef: 'invites.seq', cursorTable: 'invites' });
}

export async function defaultProjectId(db: Executor): Promise<string | undefined> {
  const row = await db.selectFrom('projects').select('id').where('is_default', '=', 1).executeTakeFirst();
  return row?.id;
}

export async function insertInvite(db: Executor, row: Omit<InviteRow, 'seq'>): Promise<void> {
  await db.insertInto('invites').values(row).execute();
}

/** Marks a pending invite accepted; false when it was no longer pending (e.g. a concurrent accept). */
export async function markAccepted(db: Executor, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('invites').set({ status: 'accepted', accepted_at: now }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes the invite unless it has been accepted; false when there was no such invite to delete. */
export async function deleteInvite(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('invites').where('id', '=', id).where('status', '!=', 'accepted').executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
