import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../../core/context.js';
import { badRequest, notFound } from '../../../../platform/errors.js';
import { nextListEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { heldRoles } from '../../../../core/access/index.js';
import { findProjectUser } from '../../projects/users/repository.js';
import * as roles from '../../roles/repository.js';
import { createAssignment, deleteAssignment, requireRole, resolveScope, scopeKey, toAssignedRole, toRole } from '../../roles/service.js';
import { requireUser, toUser } from '../service.js';

/**
 * Roles of a user, in the organization (`projectId` undefined) or in a project. Lists show every
 * role the user holds there: its membership role (as the matching predefined role), roles
 * assigned to it, and roles of its groups (with `assignment_sources`). Only roles assigned to
 * the user itself can be unassigned here. In a project, assignments need project membership.
 */
export class UserRolesService {
  constructor(private readonly ctx: AppContext) {}

  async list(projectId: string | undefined, userId: string, page: PageRequest) {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    await requireUser(this.ctx.db, userId);
    const held = await heldRoles(this.ctx.db, userId, scope.project?.id ?? null);
    if (held.size === 0) return nextListEnvelope([], false);
    const { rows, hasMore } = await roles.listRolesByIds(this.ctx.db, [...held.keys()], page);
    return nextListEnvelope(rows.map((r) => toAssignedRole(r, held.get(r.id))), hasMore);
  }

  async retrieve(projectId: string | undefined, userId: string, roleId: string) {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    await requireUser(this.ctx.db, userId);
    const sources = (await heldRoles(this.ctx.db, userId, scope.project?.id ?? null)).get(roleId);
    if (!sources) throw notFound(`role held by user '${userId}'`, roleId, 'role_id');
    return toAssignedRole((await roles.findRole(this.ctx.db, roleId))!, sources);
  }

  async assign(actor: Principal, projectId: string | undefined, userId: string, roleId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const user = await requireUser(tx, userId);
      if (scope.project && !(await findProjectUser(tx, scope.project.id, userId))) {
        throw badRequest(`User '${userId}' is not a member of project '${scope.project.id}'.`, 'user_id', 'not_a_project_member');
      }
      const role = await requireRole(tx, scope, roleId);
      await createAssignment(this.ctx, tx, actor, scope, { type: 'user', id: userId }, role);
      return { object: 'user.role' as const, user: toUser(user), role: toRole(role) };
    });
  }

  async unassign(actor: Principal, projectId: string | undefined, userId: string, roleId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      await requireUser(tx, userId);
      const assignment = await roles.findAssignment(tx, scopeKey(scope), { type: 'user', id: userId }, roleId);
      if (!assignment) {
        if ((await heldRoles(tx, userId, scope.project?.id ?? null)).has(roleId)) {
          throw badRequest(
            `User '${userId}' holds role '${roleId}' through its ${scope.project ? 'project' : 'organization'} membership role or a group, not by assignment; change that role or group membership instead.`,
            'role_id',
            'inherited_role',
          );
        }
        throw notFound(`role assigned to user '${userId}'`, roleId, 'role_id');
      }
      await deleteAssignment(this.ctx, tx, actor, scope, assignment);
      return { object: 'user.role.deleted', deleted: true };
    });
  }
}
