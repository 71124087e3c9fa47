import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../../core/context.js';
import { badRequest, notFound } from '../../../../platform/errors.js';
import { nextListEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { findProjectGroup } from '../../projects/groups/repository.js';
import * as roles from '../../roles/repository.js';
import { createAssignment, deleteAssignment, requireRole, resolveScope, scopeKey, toAssignedRole, toRole } from '../../roles/service.js';
import { requireGroup, toGroupSummary } from '../service.js';

/**
 * Roles assigned to a group, in the organization (`projectId` undefined) or in a project. In a
 * project the group must have access to it (project groups), and keeps at least one role there.
 */
export class GroupRolesService {
  constructor(private readonly ctx: AppContext) {}

  private notAssigned(groupId: string, roleId: string) {
    return notFound(`role assigned to group '${groupId}'`, roleId, 'role_id');
  }

  async list(projectId: string | undefined, groupId: string, page: PageRequest) {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    await requireGroup(this.ctx.db, groupId);
    const { rows, hasMore } = await roles.listGroupRoles(this.ctx.db, scopeKey(scope), groupId, page);
    return nextListEnvelope(rows.map((r) => toAssignedRole(r)), hasMore);
  }

  async retrieve(projectId: string | undefined, groupId: string, roleId: string) {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    await requireGroup(this.ctx.db, groupId);
    if (!(await roles.findAssignment(this.ctx.db, scopeKey(scope), { type: 'group', id: groupId }, roleId))) throw this.notAssigned(groupId, roleId);
    return toAssignedRole((await roles.findRole(this.ctx.db, roleId))!);
  }

  async assign(actor: Principal, projectId: string | undefined, groupId: string, roleId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const group = await requireGroup(tx, groupId);
      if (scope.project && !(await findProjectGroup(tx, scope.project.id, groupId))) {
        throw badRequest(`Group '${groupId}' has no access to project '${scope.project.id}'; add it to the project first.`, 'group_id', 'not_a_project_group');
      }
      const role = await requireRole(tx, scope, roleId);
      await createAssignment(this.ctx, tx, actor, scope, { type: 'group', id: groupId }, role);
      return { object: 'group.role' as const, group: toGroupSummary(group), role: toRole(role) };
    });
  }

  async unassign(actor: Principal, projectId: string | undefined, groupId: string, roleId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      await requireGroup(tx, groupId);
      const assignment = await roles.findAssignment(tx, scopeKey(scope), { type: 'group', id: groupId }, roleId);
      if (!assignment) throw this.notAssigned(groupId, roleId);
      if (scope.project && (await roles.groupAssignments(tx, scopeKey(scope), groupId)).length === 1) {
        throw badRequest(`Role '${roleId}' is the group's last role in project '${scope.project.id}'; remove the group from the project instead.`, 'role_id', 'last_project_group_role');
      }
      await deleteAssignment(this.ctx, tx, actor, scope, assignment);
      return { object: 'group.role.deleted', deleted: true };
    });
  }
}
