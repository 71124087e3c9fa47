import type { Executor } from '../context.js';
import { PERMISSIONS, PROJECT_MEMBERSHIP_ROLE, predefinedRole } from './index.js';

/**
 * Everything that decides what a project key may do, read in one go so that the data plane
 * answers from memory: projects, users and their project memberships, service accounts, role
 * assignments, group memberships and custom roles.
 */
export interface AccessData {
  projectStatus: Map<string, string>;
  users: Map<string, { name: string; email: string; role: string; added_at: number }>;
  /** `${projectId} ${userId}` → project membership role. */
  memberships: Map<string, string>;
  serviceAccounts: Map<string, { project_id: string; name: string; role: string; created_at: number }>;
  /** Scope (`organization` or a project ID) → principal (user or group ID) → role IDs. */
  assignments: Map<string, Map<string, string[]>>;
  /** User ID → the groups it belongs to. */
  groupsOf: Map<string, string[]>;
  /** Custom role ID → its permissions. */
  customRoles: Map<string, readonly string[]>;
}

export async function loadAccessData(db: Executor): Promise<AccessData> {
  const [projects, users, members, accounts, assigned, groupUsers, roles] = await Promise.all([
    db.selectFrom('projects').select(['id', 'status']).execute(),
    db.selectFrom('users').select(['id', 'name', 'email', 'role', 'added_at']).execute(),
    db.selectFrom('project_users').select(['project_id', 'user_id', 'role']).execute(),
    db.selectFrom('service_accounts').select(['id', 'project_id', 'name', 'role', 'created_at']).execute(),
    db.selectFrom('role_assignments').select(['scope', 'role_id', 'user_id', 'group_id']).orderBy('seq').execute(),
    db.selectFrom('group_users').select(['group_id', 'user_id']).execute(),
    db.selectFrom('roles').select(['id', 'permissions']).where('predefined', '=', 0).execute(),
  ]);
  const assignments = new Map<string, Map<string, string[]>>();
  for (const a of assigned) {
    const who = a.user_id ?? a.group_id;
    if (who === null) continue;
    let scope = assignments.get(a.scope);
    if (!scope) assignments.set(a.scope, (scope = new Map()));
    const list = scope.get(who);
    if (list) list.push(a.role_id);
    else scope.set(who, [a.role_id]);
  }
  const groupsOf = new Map<string, string[]>();
  for (const g of groupUsers) {
    const list = groupsOf.get(g.user_id);
    if (list) list.push(g.group_id);
    else groupsOf.set(g.user_id, [g.group_id]);
  }
  return {
    projectStatus: new Map(projects.map((p) => [p.id, p.status])),
    users: new Map(users.map((u) => [u.id, { name: u.name, email: u.email, role: u.role, added_at: Number(u.added_at) }])),
    memberships: new Map(members.map((m) => [`${m.project_id} ${m.user_id}`, m.role])),
    serviceAccounts: new Map(accounts.map((s) => [s.id, { project_id: s.project_id, name: s.name, role: s.role, created_at: Number(s.created_at) }])),
    assignments,
    groupsOf,
    customRoles: new Map(roles.map((r) => [r.id, JSON.parse(r.permissions) as string[]])),
  };
}

const EVERY_PERMISSION: ReadonlySet<string> = new Set(PERMISSIONS.map((p) => p.permission));

/**
 * What the owner of a project key may do in that project (the data plane's permission check):
 * - organization owners: every permission;
 * - a user: the predefined role of its project membership (`owner`, `member`, `viewer`), the roles
 *   assigned to it or to its groups in the project, and custom roles assigned to it or its groups
 *   at organization level. The organization membership role `reader` grants nothing here: in a
 *   project, the project membership decides (otherwise no member could be held to `viewer`);
 * - a service account: the predefined role of its project role (`none`: nothing).
 * Null when the owner has no standing in the project at all (not a member, removed, gone).
 */
export function projectPermissions(data: AccessData, owner: { type: 'user' | 'service_account'; id: string }, projectId: string): ReadonlySet<string> | null {
  if (owner.type === 'service_account') {
    const sa = data.serviceAccounts.get(owner.id);
    if (!sa || sa.project_id !== projectId) return null;
    return new Set(rolePermissions(data, [PROJECT_MEMBERSHIP_ROLE[sa.role]]));
  }
  const user = data.users.get(owner.id);
  if (!user) return null;
  const membership = data.memberships.get(`${projectId} ${owner.id}`);
  if (membership === undefined) return null;
  if (user.role === 'owner') return EVERY_PERMISSION;
  const principals = [owner.id, ...(data.groupsOf.get(owner.id) ?? [])];
  const roleIds = [PROJECT_MEMBERSHIP_ROLE[membership]];
  for (const scope of [projectId, 'organization']) {
    const byPrincipal = data.assignments.get(scope);
    if (!byPrincipal) continue;
    for (const p of principals) {
      for (const roleId of byPrincipal.get(p) ?? []) {
        // At organization level only custom roles count (the predefined ones mirror membership).
        if (scope === 'organization' && !data.customRoles.has(roleId)) continue;
        roleIds.push(roleId);
      }
    }
  }
  return new Set(rolePermissions(data, roleIds));
}

function rolePermissions(data: AccessData, roleIds: Array<string | undefined>): string[] {
  const out: string[] = [];
  for (const id of roleIds) {
    if (id === undefined) continue;
    const permissions = data.customRoles.get(id) ?? predefinedRole(id)?.permissions ?? [];
    out.push(...permissions);
  }
  return out;
}

/** The 403 message of a refused permission, naming it (as OpenAI's does). */
export function missingPermissionMessage(permission: string, projectId: string): string {
  return `You have insufficient permissions for this operation. Missing scopes: ${permission}. Check that you have the correct role in your organization (project ${projectId}).`;
}
