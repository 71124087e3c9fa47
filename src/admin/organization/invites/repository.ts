import { type Selectable, sql } from 'kysely';
import type { InviteTable } from '../../../platform/db/tables/foundation.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export type InviteRow = Selectable<InviteTable>;

export async function findInvite(db: Executor, id: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A pending invite for this email (case-insensitive) that has not expired at `now`. */
export async function findOpenInvite(db: Executor, email: string, now: number): Promise<InviteRow | undefined> {
  return db
    .selectFrom('invites')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
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

export async function deleteInvite(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('invites').where('id', '=', id).execute();
}
