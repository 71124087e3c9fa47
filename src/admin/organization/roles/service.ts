import { writeAudit } from '../../../core/audit.js';
import type { Principal as Actor } from '../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../core/context.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { nextListEnvelope, type PageRequest } from '../../../platform/pagination.js';
import { type AssignmentSource, permissionDefinition, rolePermissions } from '../../../core/access/index.js';
import type { ProjectRow } from '../projects/repository.js';
import { auditProject, requireActiveProject, requireProject } from '../projects/service.js';
import * as repo from './repository.js';
import type { AssignedRole, CreateRoleBody, Role, UpdateRoleBody } from './schemas.js';

export type { RoleRow } from './repository.js';

/** Where roles live and assignments apply: the organization (`project` null) or one project. */
export interface Scope {
  project: ProjectRow | null;
}

const ORGANIZATION: Scope = { project: null };

/** The `scope` value of assignments (and of custom roles) in this scope. */
export const scopeKey = (scope: Scope): string => scope.project?.id ?? 'organization';

/** Role scopes visible in this scope: project roles include the predefined ones every project has. */
const roleScopes = (scope: Scope): string[] => (scope.project ? ['project', scope.project.id] : ['organization']);

const resourceType = (scope: Scope) => (scope.project ? 'api.project' : 'api.organization');

/** The organization scope, or a project's (404 for unknown projects; `forChange` refuses archived ones). */
export async function resolveScope(db: Executor, projectId: string | undefined, forChange: boolean): Promise<Scope> {
  if (projectId === undefined) return ORGANIZATION;
  return { project: forChange ? await requireActiveProject(db, projectId) : await requireProject(db, projectId) };
}

/** `resource_id`/`resource_type` of role and assignment events, and the event's `project`. */
async function auditTarget(db: Executor, scope: Scope) {
  return {
    resource: { resource_id: scope.project?.id ?? (await repo.organizationId(db)), resource_type: resourceType(scope) },
    project: scope.project ? auditProject(scope.project) : undefined,
  };
}

export function toRole(row: repo.RoleRow): Role {
  return {
    object: 'role',
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: rolePermissions(row),
    resource_type: row.resource_type,
    predefined_role: row.predefined === 1,
  };
}

/**
 * A role as one principal holds it. `assignment_sources` is null when the role is held only
 * directly; otherwise it lists every principal (the user itself and/or its groups) it comes from.
 */
export function toAssignedRole(row: repo.RoleRow, sources: AssignmentSource[] = []): AssignedRole {
  return {
    id: row.id,
    name: row.name,
    permissions: rolePermissions(row),
    resource_type: row.resource_type,
    predefined_role: row.predefined === 1,
    description: row.description,
    created_at: row.created_at === null ? null : Number(row.created_at),
    updated_at: row.updated_at === null ? null : Number(row.updated_at),
    created_by: row.created_by,
    created_by_user_obj: row.creator_email != null ? { id: row.created_by!, name: row.creator_name!, email: row.creator_email } : null,
    metadata: {},
    assignment_sources: sources.some((s) => s.principal_type === 'group') ? sources : null,
  };
}

/** Loads a role of this scope, or throws 404 naming `param`. Roles of other scopes are not found. */
export async function requireRole(db: Executor, scope: Scope, roleId: string, param = 'role_id'): Promise<repo.RoleRow> {
  const row = await repo.findRole(db, roleId);
  if (!row || !roleScopes(scope).includes(row.scope)) {
    throw notFound(scope.project ? `role in project '${scope.project.id}'` : 'organization role', roleId, param);
  }
  return row;
}

/** Gives `role` to a user or group in this scope, with its `role.assignment.created` event. */
export async function createAssignment(ctx: AppContext, tx: Executor, actor: Actor, scope: Scope, principal: repo.Principal, role: repo.RoleRow): Promise<void> {
  const id = newId('roleAssignment');
  const created = await repo.insertAssignment(tx, {
    id,
    role_id: role.id,
    scope: scopeKey(scope),
    project_id: scope.project?.id ?? null,
    principal_type: principal.type,
    user_id: principal.type === 'user' ? principal.id : null,
    group_id: principal.type === 'group' ? principal.id : null,
    created_at: ctx.clock.now(),
  });
  if (!created) throw conflict(`Role '${role.id}' is already assigned to ${principal.type} '${principal.id}'.`, 'role_id', 'role_already_assigned');
  const { resource, project } = await auditTarget(tx, scope);
  await writeAudit(tx, ctx.clock, actor, {
    type: 'role.assignment.created',
    resourceId: id,
    project,
    details: { id, principal_id: principal.id, principal_type: principal.type, ...resource },
  });
}

/** Removes an assignment, with its `role.assignment.deleted` event. */
export async function deleteAssignment(ctx: AppContext, tx: Executor, actor: Actor, scope: Scope, row: repo.AssignmentRow): Promise<void> {
  await repo.deleteAssignment(tx, row.id);
  const { resource, project } = await auditTarget(tx, scope);
  const principalId = row.principal_type === 'user' ? row.user_id! : row.group_id!;
  await writeAudit(tx, ctx.clock, actor, {
    type: 'role.assignment.deleted',
    resourceId: row.id,
    project,
    details: { id: row.id, principal_id: principalId, principal_type: row.principal_type, ...resource },
  });
}

/** Custom roles of the organization (`/organization/roles`) or of a project (`/projects/{id}/roles`). */
export class RolesService {
  constructor(private readonly ctx: AppContext) {}

  /** Permissions must come from the catalog, once each; project roles only hold project permissions. */
  private checkPermissions(scope: Scope, permissions: string[]): void {
    const seen = new Set<string>();
    permissions.forEach((permission, i) => {
      const param = `permissions[${i}]`;
      const definition = permissionDefinition(permission);
      if (!definition) throw badRequest(`Unknown permission '${permission}'.`, param, 'unknown_permission');
      if (scope.project && !definition.project) throw badRequest(`Permission '${permission}' can only be granted by an organization role.`, param, 'organization_permission');
      if (seen.has(permission)) throw badRequest(`Permission '${permission}' is listed more than once.`, param, 'duplicate_permission');
      seen.add(permission);
    });
  }

  private nameTaken(scope: Scope, name: string) {
    return conflict(`A role named '${name}' already exists in this ${scope.project ? 'project' : 'organization'}.`, 'role_name', 'role_name_taken');
  }

  private async checkName(db: Executor, scope: Scope, name: string, exceptId?: string): Promise<void> {
    if (await repo.roleNameTaken(db, roleScopes(scope), name, exceptId)) throw this.nameTaken(scope, name);
  }

  async list(projectId: string | undefined, page: PageRequest) {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    const { rows, hasMore } = await repo.listRoles(this.ctx.db, roleScopes(scope), page);
    return nextListEnvelope(rows.map(toRole), hasMore);
  }

  async retrieve(projectId: string | undefined, roleId: string): Promise<Role> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    return toRole(await requireRole(this.ctx.db, scope, roleId));
  }

  async create(actor: Actor, projectId: string | undefined, body: CreateRoleBody): Promise<Role> {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      this.checkPermissions(scope, body.permissions);
      await this.checkName(tx, scope, body.role_name);
      const now = this.ctx.clock.now();
      const id = newId('role');
      const created = await repo.insertRole(tx, {
        id,
        name: body.role_name,
        description: body.description || null,
        permissions: JSON.stringify(body.permissions),
        resource_type: resourceType(scope),
        scope: scopeKey(scope),
        project_id: scope.project?.id ?? null,
        predefined: 0,
        created_at: now,
        updated_at: now,
        created_by: actor.owner.id,
      });
      if (!created) throw this.nameTaken(scope, body.role_name);
      const { resource, project } = await auditTarget(tx, scope);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'role.created',
        resourceId: id,
        project,
        details: { id, role_name: body.role_name, permissions: body.permissions, ...resource },
      });
      return toRole((await repo.findRole(tx, id))!);
    });
  }

  private async requireCustomRole(db: Executor, scope: Scope, roleId: string): Promise<repo.RoleRow> {
    const row = await requireRole(db, scope, roleId);
    if (row.predefined) throw badRequest(`Role '${roleId}' is predefined and cannot be changed or deleted.`, 'role_id', 'predefined_role');
    return row;
  }

  /** Changes what the body names; a body that changes nothing returns the role and logs nothing. */
  async update(actor: Actor, projectId: string | undefined, roleId: string, body: UpdateRoleBody): Promise<Role> {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const row = await this.requireCustomRole(tx, scope, roleId);
      const changes: Partial<repo.RoleRow> = {};
      const requested: Record<string, unknown> = {};
      if (body.role_name != null && body.role_name !== row.name) {
        await this.checkName(tx, scope, body.role_name, roleId);
        changes.name = requested.role_name = body.role_name;
      }
      if (body.permissions != null) {
        this.checkPermissions(scope, body.permissions);
        const before = rolePermissions(row);
        const added = body.permissions.filter((p) => !before.includes(p));
        const removed = before.filter((p) => !body.permissions!.includes(p));
        // Permissions are a set: reordering alone changes nothing.
        if (added.length || removed.length) changes.permissions = JSON.stringify(body.permissions);
        if (added.length) requested.permissions_added = added;
        if (removed.length) requested.permissions_removed = removed;
      }
      if (body.description != null && (body.description || null) !== row.description) {
        changes.description = body.description || null;
        requested.description = body.description;
      }
      if (Object.keys(changes).length === 0) return toRole(row);
      changes.updated_at = this.ctx.clock.now();
      await repo.updateRole(tx, roleId, changes);
      const { resource, project } = await auditTarget(tx, scope);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'role.updated',
        resourceId: roleId,
        project,
        details: { id: roleId, changes_requested: { ...requested, ...resource } },
      });
      return toRole({ ...row, ...changes });
    });
  }

  /** A role still assigned to anyone cannot be deleted: unassign it first. */
  async delete(actor: Actor, projectId: string | undefined, roleId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      await this.requireCustomRole(tx, scope, roleId);
      const assigned = await repo.countAssignments(tx, roleId);
      if (assigned > 0) {
        throw conflict(`Role '${roleId}' is still assigned (${assigned} assignment${assigned === 1 ? '' : 's'}); unassign it first.`, 'role_id', 'role_in_use');
      }
      await repo.deleteRole(tx, roleId);
      const { project } = await auditTarget(tx, scope);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'role.deleted', resourceId: roleId, project, details: { id: roleId } });
      return { object: 'role.deleted' as const, id: roleId, deleted: true };
    });
  }
}
