import type { Executor } from '../../core/context.js';
import { ORG_MEMBERSHIP_ROLE, PROJECT_MEMBERSHIP_ROLE, predefinedRole } from './roles.js';

/** Where a principal holds a role from: itself (`user`) or a group it belongs to. */
export interface AssignmentSource {
  principal_id: string;
  principal_type: 'user' | 'group';
}

/**
 * The roles a user holds in one scope (the organization when `projectId` is null, else that
 * project), each with where it comes from:
 * - the membership role (organization `owner`/`reader`, project `owner`/`member`) as the matching predefined role;
 * - roles assigned to the user;
 * - roles assigned to the groups the user belongs to (in a project: groups with access to it).
 */
export async function heldRoles(db: Executor, userId: string, projectId: string | null): Promise<Map<string, AssignmentSource[]>> {
  const held = new Map<string, AssignmentSource[]>();
  const add = (roleId: string, source: AssignmentSource) => {
    const sources = held.get(roleId) ?? [];
    if (!sources.some((s) => s.principal_id === source.principal_id)) sources.push(source);
    held.set(roleId, sources);
  };
  const self: AssignmentSource = { principal_id: userId, principal_type: 'user' };

  const membership = projectId === null
    ? await db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst()
    : await db.selectFrom('project_users').select('role').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  const membershipRole = membership && (projectId === null ? ORG_MEMBERSHIP_ROLE : PROJECT_MEMBERSHIP_ROLE)[membership.role];
  if (membershipRole) add(membershipRole, self);

  const scope = projectId ?? 'organization';
  const direct = await db.selectFrom('role_assignments').select('role_id').where('scope', '=', scope).where('user_id', '=', userId).orderBy('seq').execute();
  for (const row of direct) add(row.role_id, self);

  const viaGroups = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('group_users as gu', 'gu.group_id', 'ra.group_id')
    .select(['ra.role_id', 'ra.group_id'])
    .where('ra.scope', '=', scope)
    .where('gu.user_id', '=', userId)
    .orderBy('ra.seq')
    .execute();
  for (const row of viaGroups) add(row.role_id, { principal_id: row.group_id!, principal_type: 'group' });
  return held;
}

/** The permissions a role grants: predefined roles follow the catalog, custom roles their stored list. */
export function rolePermissions(role: { id: string; predefined: number; permissions: string }): string[] {
  return role.predefined ? [...(predefinedRole(role.id)?.permissions ?? [])] : (JSON.parse(role.permissions) as string[]);
}

/**
 * A user's effective permissions: the union of the permissions of every role it holds in the
 * organization (directly, through its membership role, or through its groups) and, when a
 * project is given, of every role it holds in that project the same ways. Sorted.
 */
export async function effectivePermissions(db: Executor, principal: { userId: string }, scope: { projectId?: string } = {}): Promise<string[]> {
  const roleIds = new Set((await heldRoles(db, principal.userId, null)).keys());
  if (scope.projectId !== undefined) for (const id of (await heldRoles(db, principal.userId, scope.projectId)).keys()) roleIds.add(id);
  if (roleIds.size === 0) return [];
  const roles = await db.selectFrom('roles').select(['id', 'predefined', 'permissions']).where('id', 'in', [...roleIds]).execute();
  return [...new Set(roles.flatMap(rolePermissions))].sort();
}
