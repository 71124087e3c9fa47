import type { Insertable, Selectable } from 'kysely';
import { type Executor, inserted } from '../../platform/db/database.js';
import type { SpendAlertOutboxTable } from '../../platform/db/tables/policies.js';
import type { SpendAlertRow } from './repository.js';

export type OutboxRow = Selectable<SpendAlertOutboxTable>;

/** Alerts that have no outbox row for `month` yet (those that have not fired this month). */
export function alertsNotFired(db: Executor, month: string): Promise<SpendAlertRow[]> {
  return db
    .selectFrom('spend_alerts as a')
    .leftJoin('spend_alert_outbox as o', (join) => join.onRef('o.alert_id', '=', 'a.id').on('o.month', '=', month))
    .selectAll('a')
    .where('o.seq', 'is', null)
    .orderBy('a.seq')
    .execute();
}

/** The names of these projects (by ID), and the organization's (under its ID). */
export async function scopeNames(db: Executor, projectIds: string[]): Promise<Map<string, string>> {
  const org = await db.selectFrom('organization').select(['id', 'name']).execute();
  const projects = projectIds.length ? await db.selectFrom('projects').select(['id', 'name']).where('id', 'in', projectIds).execute() : [];
  return new Map([...org, ...projects].map((r) => [r.id, r.name]));
}

/** Inserts the alert's row for its month unless it has one (its unique key). Whether this call inserted it. */
export async function insertIfAbsent(db: Executor, row: Insertable<SpendAlertOutboxTable>): Promise<boolean> {
  return inserted(await db.insertInto('spend_alert_outbox').values(row).onConflict((oc) => oc.columns(['alert_id', 'month']).doNothing()).executeTakeFirst());
}

/** Pending rows due at `now` that no replica holds, oldest first; `alive`: whether the alert still exists. */
export async function dueRows(db: Executor, now: number, limit: number): Promise<Array<OutboxRow & { alive: boolean }>> {
  const rows = await db
    .selectFrom('spend_alert_outbox as o')
    .leftJoin('spend_alerts as a', 'a.id', 'o.alert_id')
    .selectAll('o')
    .select('a.id as live_id')
    .where('o.status', '=', 'pending')
    .where('o.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('o.locked_until', 'is', null), eb('o.locked_until', '<=', now)]))
    .orderBy('o.seq')
    .limit(limit)
    .execute();
  return rows.map(({ live_id, ...row }) => ({ ...row, alive: live_id !== null }));
}

/**
 * Claims a due row for this replica until `until`, counting the attempt: one atomic UPDATE that
 * only one of several replicas can win (the row must still be pending, due, and held by nobody).
 */
export async function claim(db: Executor, seq: number, now: number, until: number): Promise<boolean> {
  const result = await db
    .updateTable('spend_alert_outbox')
    .set((eb) => ({ locked_until: until, attempts: eb('attempts', '+', 1) }))
    .where('seq', '=', seq)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The row was sent (or logged): done for good. */
export async function markDone(db: Executor, seq: number, status: 'sent' | 'logged', now: number): Promise<void> {
  await db.updateTable('spend_alert_outbox').set({ status, sent_at: now, locked_until: null, last_error: null }).where('seq', '=', seq).execute();
}

/** The attempt failed: released, due again at `nextAttemptAt`. */
export async function markFailed(db: Executor, seq: number, nextAttemptAt: number, error: string): Promise<void> {
  await db.updateTable('spend_alert_outbox').set({ next_attempt_at: nextAttemptAt, locked_until: null, last_error: error }).where('seq', '=', seq).execute();
}

/** A pending row whose alert was deleted meanwhile: dropped unsent. */
export async function dropPending(db: Executor, seq: number): Promise<void> {
  await db.deleteFrom('spend_alert_outbox').where('seq', '=', seq).where('status', '=', 'pending').execute();
}
