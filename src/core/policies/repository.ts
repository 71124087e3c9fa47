import { type Selectable, sql } from 'kysely';
import type {
  DataRetentionTable,
  ProjectHostedToolPermissionsTable,
  ProjectModelPermissionsTable,
  SpendAlertTable,
  SpendLimitTable,
} from '../../platform/db/tables/policies.js';
import type { Executor } from '../../platform/db/database.js';

export type SpendLimitRow = Selectable<SpendLimitTable>;
export type SpendAlertRow = Selectable<SpendAlertTable>;
export type DataRetentionRow = Selectable<DataRetentionTable>;
export type ModelPermissionsRow = Selectable<ProjectModelPermissionsTable>;
export type HostedToolPermissionsRow = Selectable<ProjectHostedToolPermissionsTable>;

/** Marks a policy change: every replica reloads its policies when the version moves. Call inside the change's transaction. */
export async function bumpPolicyVersion(tx: Executor): Promise<void> {
  await tx.updateTable('policy_version').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
}

export async function policyVersion(db: Executor): Promise<number> {
  const row = await db.selectFrom('policy_version').select('version').where('id', '=', 1).executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** The organization's ID (null before the first start's bootstrap). */
export async function findOrganizationId(db: Executor): Promise<string | null> {
  return (await db.selectFrom('organization').select('id').executeTakeFirst())?.id ?? null;
}

export async function organizationId(db: Executor): Promise<string> {
  const id = await findOrganizationId(db);
  if (id === null) throw new Error('the organization does not exist yet (bootstrap runs at the first start)');
  return id;
}

// Spend limits

export function findSpendLimit(db: Executor, scopeId: string): Promise<SpendLimitRow | undefined> {
  return db.selectFrom('spend_limits').selectAll().where('scope_id', '=', scopeId).executeTakeFirst();
}

export function allSpendLimits(db: Executor): Promise<SpendLimitRow[]> {
  return db.selectFrom('spend_limits').selectAll().execute();
}

export async function saveSpendLimit(db: Executor, row: SpendLimitRow): Promise<void> {
  const { scope_id: _s, ...changes } = row;
  await db.insertInto('spend_limits').values(row).onConflict((oc) => oc.column('scope_id').doUpdateSet(changes)).execute();
}

export async function deleteSpendLimit(db: Executor, scopeId: string): Promise<boolean> {
  const result = await db.deleteFrom('spend_limits').where('scope_id', '=', scopeId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// Spend alerts

export function findSpendAlert(db: Executor, scopeId: string, id: string): Promise<SpendAlertRow | undefined> {
  return db.selectFrom('spend_alerts').selectAll().where('id', '=', id).where('scope_id', '=', scopeId).executeTakeFirst();
}

export function allSpendAlerts(db: Executor): Promise<SpendAlertRow[]> {
  return db.selectFrom('spend_alerts').selectAll().orderBy('seq').execute();
}

export async function insertSpendAlert(db: Executor, row: Omit<SpendAlertRow, 'seq'>): Promise<void> {
  await db.insertInto('spend_alerts').values(row).execute();
}

export async function updateSpendAlert(db: Executor, id: string, changes: Partial<Omit<SpendAlertRow, 'seq' | 'id' | 'scope_id'>>): Promise<void> {
  await db.updateTable('spend_alerts').set(changes).where('id', '=', id).execute();
}

export async function deleteSpendAlert(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('spend_alerts').where('id', '=', id).execute();
  await db.deleteFrom('spend_alert_outbox').where('alert_id', '=', id).where('status', '=', 'pending').execute();
}

// Data retention

export function findDataRetention(db: Executor, scopeId: string): Promise<DataRetentionRow | undefined> {
  return db.selectFrom('data_retention').selectAll().where('scope_id', '=', scopeId).executeTakeFirst();
}

export function allDataRetention(db: Executor): Promise<DataRetentionRow[]> {
  return db.selectFrom('data_retention').selectAll().execute();
}

export async function saveDataRetention(db: Executor, row: DataRetentionRow): Promise<void> {
  const { scope_id: _s, ...changes } = row;
  await db.insertInto('data_retention').values(row).onConflict((oc) => oc.column('scope_id').doUpdateSet(changes)).execute();
}

// Model permissions

export function findModelPermissions(db: Executor, projectId: string): Promise<ModelPermissionsRow | undefined> {
  return db.selectFrom('project_model_permissions').selectAll().where('project_id', '=', projectId).executeTakeFirst();
}

export function allModelPermissions(db: Executor): Promise<ModelPermissionsRow[]> {
  return db.selectFrom('project_model_permissions').selectAll().execute();
}

export async function saveModelPermissions(db: Executor, row: ModelPermissionsRow): Promise<void> {
  const { project_id: _p, ...changes } = row;
  await db.insertInto('project_model_permissions').values(row).onConflict((oc) => oc.column('project_id').doUpdateSet(changes)).execute();
}

export async function deleteModelPermissions(db: Executor, projectId: string): Promise<boolean> {
  const result = await db.deleteFrom('project_model_permissions').where('project_id', '=', projectId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// Hosted-tool permissions

export function findHostedToolPermissions(db: Executor, projectId: string): Promise<HostedToolPermissionsRow | undefined> {
  return db.selectFrom('project_hosted_tool_permissions').selectAll().where('project_id', '=', projectId).executeTakeFirst();
}

export function allHostedToolPermissions(db: Executor): Promise<HostedToolPermissionsRow[]> {
  return db.selectFrom('project_hosted_tool_permissions').selectAll().execute();
}

export async function saveHostedToolPermissions(db: Executor, row: HostedToolPermissionsRow): Promise<void> {
  const { project_id: _p, ...changes } = row;
  await db.insertInto('project_hosted_tool_permissions').values(row).onConflict((oc) => oc.column('project_id').doUpdateSet(changes)).execute();
}

// Certificates (client certificates for mutual TLS)

/** Certificates active at the organization level. */
export function organizationCertificates(db: Executor): Promise<{ id: string; content: string }[]> {
  return db.selectFrom('certificates').select(['id', 'content']).where('active', '=', 1).orderBy('seq').execute();
}

/** Certificates active in a project, with the project. */
export function projectCertificates(db: Executor): Promise<{ project_id: string; id: string; content: string }[]> {
  return db
    .selectFrom('project_certificates as pc')
    .innerJoin('certificates as c', 'c.id', 'pc.certificate_id')
    .select(['pc.project_id', 'c.id', 'c.content'])
    .orderBy('c.seq')
    .execute();
}

// Recorded spend

/**
 * Costs recorded from `since` (Unix seconds, a day boundary) on, in USD: per project, from the
 * daily per-project cost rollup that every ingestion path (gateway traffic, usage API) writes.
 */
export async function recordedSpendByProject(db: Executor, since: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('usage_costs_projects_1d as c')
    .innerJoin('usage_cost_items as i', 'i.id', 'c.item_id')
    .select(['i.project_id', sql<number>`sum(c.amount)`.as('amount')])
    .where('c.bucket_start', '>=', since)
    .groupBy('i.project_id')
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.amount)]));
}
