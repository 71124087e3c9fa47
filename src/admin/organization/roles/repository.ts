import type { Insertable, Selectable } from 'kysely';
import { inserted } from '../../../platform/db/database.js';
import type { RoleAssignmentTable, RoleTable } from '../../../platform/db/tables/access-control.js';
import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

/** Roles with the name and email of the user who created them (when that user still exists). */
function rolesWithCreator(db: Executor) {
  return db
    .selectFrom('roles as r')
    .leftJoin('users as u', 'u.id', 'r.created_by')
    .selectAll('r')
    .select(['u.name as creator_name', 'u.email as creator_email']);
}

export type RoleRow = Awaited<ReturnType<ReturnType<typeof rolesWithCreator>['executeTakeFirstOrThrow']>>;
export type AssignmentRow = Selectable<RoleAssignmentTable>;

export async function organizationId(db: Executor): Promise<string> {
  return (await db.selectFrom('organization').select('id').executeTakeFirstOrThrow()).id;
}

export function findRole(db: Executor, id: string): Promise<RoleRow | undefined> {
  return rolesWithCreator(db).where('r.id', '=', id).executeTakeFirst();
}

/** Roles in any of `scopes`, in creation order (predefined roles first). */
export function listRoles(db: Executor, scopes: string[], page: PageRequest) {
  return pageBySeq(db, rolesWithCreator(db).where('r.scope', 'in', scopes), { ...page, seqRef: 'r.seq', cursorTable: 'roles' });
}

/** One page of the given roles, in role creation order. */
export function listRolesByIds(db: Executor, ids: string[], page: PageRequest) {
  return pageBySeq(db, rolesWithCreator(db).where('r.id', 'in', ids), { ...page, seqRef: 'r.seq', cursorTable: 'roles' });
}

export async function roleNameTaken(db: Executor, scopes: string[], name: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom('roles').select('id').where('scope', 'in', scopes).where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** False when the name was taken meanwhile (unique per scope). */
export async function insertRole(db: Executor, row: Omit<Insertable<RoleTable>, 'seq'>): Promise<boolean> {
  return inserted(await db.insertInto('roles').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst());
}

export async function updateRole(db: Executor, id: string, changes: Partial<Omit<Selectable<RoleTable>, 'seq' | 'id'>>): Promise<void> {
  await db.updateTable('roles').set(changes).where('id', '=', id).execute();
}

export async function deleteRole(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('roles').where('id', '=', id).execute();
}

export async function countAssignments(db: Executor, roleId: string): Promise<number> {
  const row = await db.selectFrom('role_assignments').select((eb) => eb.fn.countAll<number>().as('n')).where('role_id', '=', roleId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export type Principal = { type: 'user' | 'group'; id: string };

export function findAssignment(db: Executor, scope: string, principal: Principal, roleId: string): Promise<AssignmentRow | undefined> {
  return db
    .selectFrom('role_assignments')
    .selectAll()
    .where('scope', '=', scope)
    .where(principal.type === 'user' ? 'user_id' : 'group_id', '=', principal.id)
    .where('role_id', '=', roleId)
    .executeTakeFirst();
}

/** Every assignment of a group in one scope, oldest first. */
export function groupAssignments(db: Executor, scope: string, groupId: string): Promise<AssignmentRow[]> {
  return db.selectFrom('role_assignments').selectAll().where('scope', '=', scope).where('group_id', '=', groupId).orderBy('seq').execute();
}

/** One page of the roles assigned to a group in one scope, in role creation order. */
export function listGroupRoles(db: Executor, scope: string, groupId: string, page: PageRequest) {
  const q = rolesWithCreator(db).innerJoin('role_assignments as ra', 'ra.role_id', 'r.id').where('ra.scope', '=', scope).where('ra.group_id', '=', groupId);
  return pageBySeq(db, q, { ...page, seqRef: 'r.seq', cursorTable: 'roles' });
}

/** False when the same assignment was made meanwhile. */
export async function insertAssignment(db: Executor, row: Omit<AssignmentRow, 'seq'>): Promise<boolean> {
  return inserted(await db.insertInto('role_assignments').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst());
}

export async function deleteAssignment(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('id', '=', id).execute();
}
