import type { Selectable } from 'kysely';
import type { ServiceAccountTable } from '../../../../platform/db/tables/foundation.js';
import type { Executor } from '../../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../../platform/pagination.js';

export type ServiceAccountRow = Selectable<ServiceAccountTable>;

export function findServiceAccount(db: Executor, projectId: string, id: string): Promise<ServiceAccountRow | undefined> {
  return db.selectFrom('service_accounts').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

export function listServiceAccounts(db: Executor, projectId: string, page: PageRequest) {
  const q = db.selectFrom('service_accounts').selectAll().where('project_id', '=', projectId);
  return pageBySeq(db, q, { ...page, seqRef: 'service_accounts.seq', cursorTable: 'service_accounts' });
}

export async function insertServiceAccount(db: Executor, row: Omit<ServiceAccountRow, 'seq'>): Promise<void> {
  await db.insertInto('service_accounts').values(row).execute();
}

export async function updateServiceAccount(db: Executor, id: string, changes: Partial<Pick<ServiceAccountRow, 'name' | 'role'>>): Promise<void> {
  await db.updateTable('service_accounts').set(changes).where('id', '=', id).execute();
}

export async function deleteServiceAccount(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('service_accounts').where('id', '=', id).execute();
}
