import type { Selectable } from 'kysely';
import type { ProjectRateLimitTable } from '../../platform/db/tables/rate-limits-certificates.js';
import type { Executor } from '../context.js';

export type RateLimitOverrideRow = Selectable<ProjectRateLimitTable>;

export function listOverrides(db: Executor, projectId: string): Promise<RateLimitOverrideRow[]> {
  return db.selectFrom('project_rate_limits').selectAll().where('project_id', '=', projectId).execute();
}

export function findOverride(db: Executor, projectId: string, model: string): Promise<RateLimitOverrideRow | undefined> {
  return db.selectFrom('project_rate_limits').selectAll().where('project_id', '=', projectId).where('model', '=', model).executeTakeFirst();
}

export async function saveOverride(db: Executor, row: RateLimitOverrideRow): Promise<void> {
  const { project_id: _p, model: _m, ...changes } = row;
  await db
    .insertInto('project_rate_limits')
    .values(row)
    .onConflict((oc) => oc.columns(['project_id', 'model']).doUpdateSet(changes))
    .execute();
}
