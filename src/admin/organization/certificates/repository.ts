import type { Selectable } from 'kysely';
import { lockRows } from '../../../platform/db/database.js';
import type { CertificateTable } from '../../../platform/db/tables/rate-limits-certificates.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export type CertificateRow = Selectable<CertificateTable>;

export function findCertificate(db: Executor, id: string): Promise<CertificateRow | undefined> {
  return db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCertificates(db: Executor, ids: string[]): Promise<CertificateRow[]> {
  return db.selectFrom('certificates').selectAll().where('id', 'in', ids).execute();
}

export async function countCertificates(db: Executor): Promise<number> {
  const row = await db.selectFrom('certificates').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serializes uploads (a lock on the organization's row until the transaction ends) so concurrent
 * requests cannot pass the per-organization limit together.
 */
export async function lockOrganization(db: Executor): Promise<void> {
  await lockRows(db, db.selectFrom('organization').select('id')).execute();
}

export async function insertCertificate(db: Executor, row: Omit<CertificateRow, 'seq'>): Promise<void> {
  await db.insertInto('certificates').values(row).execute();
}

export async function updateCertificate(db: Executor, id: string, changes: Partial<Omit<CertificateRow, 'seq' | 'id'>>): Promise<void> {
  await db.updateTable('certificates').set(changes).where('id', '=', id).execute();
}

export async function setActive(db: Executor, ids: string[], active: boolean): Promise<void> {
  await db.updateTable('certificates').set({ active: active ? 1 : 0 }).where('id', 'in', ids).execute();
}

export async function deleteCertificate(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('certificates').where('id', '=', id).execute();
}

/** Projects (not archived) in which the certificate is active. */
export async function countActiveProjects(db: Executor, certificateId: string): Promise<number> {
  const row = await db
    .selectFrom('project_certificates as pc')
    .innerJoin('projects as p', 'p.id', 'pc.project_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pc.certificate_id', '=', certificateId)
    .where('p.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function listCertificates(db: Executor, page: PageRequest) {
  return pageBySeq(db, db.selectFrom('certificates').selectAll(), { ...page, seqRef: 'certificates.seq', cursorTable: 'certificates' });
}

/** Every certificate of the organization, with whether it is active in the project. */
export function listForProject(db: Executor, projectId: string, page: PageRequest) {
  const q = db
    .selectFrom('certificates as c')
    .leftJoin('project_certificates as pc', (j) => j.onRef('pc.certificate_id', '=', 'c.id').on('pc.project_id', '=', projectId))
    .selectAll('c')
    .select('pc.project_id as active_in');
  return pageBySeq(db, q, { ...page, seqRef: 'c.seq', cursorTable: 'certificates' });
}

/** Which of `ids` are active in the project. */
export async function activeInProject(db: Executor, projectId: string, ids: string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('project_certificates')
    .select('certificate_id')
    .where('project_id', '=', projectId)
    .where('certificate_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.certificate_id));
}

export async function activateInProject(db: Executor, projectId: string, ids: string[], now: number): Promise<void> {
  await db.insertInto('project_certificates').values(ids.map((id) => ({ project_id: projectId, certificate_id: id, activated_at: now }))).execute();
}

export async function deactivateInProject(db: Executor, projectId: string, ids: string[]): Promise<void> {
  await db.deleteFrom('project_certificates').where('project_id', '=', projectId).where('certificate_id', 'in', ids).execute();
}
