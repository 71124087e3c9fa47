import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../../core/context.js';
import { conflict, notFound } from '../../../../platform/errors.js';
import { nextListEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { requireGroup } from '../../groups/service.js';
import { groupAssignments } from '../../roles/repository.js';
import { createAssignment, deleteAssignment, requireRole, resolveScope, scopeKey } from '../../roles/service.js';
import { requireProject } from '../service.js';
import * as repo from './repository.js';
import type { AddProjectGroupBody, ProjectGroup } from './schemas.js';

const toProjectGroup = (row: repo.ProjectGroupRow): ProjectGroup => ({
  object: 'project.group',
  project_id: row.project_id,
  group_id: row.group_id,
  group_name: row.group_name,
  group_type: 'group',
  created_at: Number(row.created_at),
});

/**
 * Groups with access to a project. Access always comes with at least one project role: adding a
 * group assigns it the given role (`role.assignment.created`); removing it removes every project
 * role of the group (one `role.assignment.deleted` per assignment).
 */
export class ProjectGroupsService {
  constructor(private readonly ctx: AppContext) {}

  async list(projectId: string, page: PageRequest) {
    await requireProject(this.ctx.db, projectId);
    const { rows, hasMore } = await repo.listProjectGroups(this.ctx.db, projectId, page);
    return nextListEnvelope(rows.map(toProjectGroup), hasMore, (g) => g.group_id);
  }

  /** Only groups of type `group` exist; `tenant_group` lookups find nothing. */
  async retrieve(projectId: string, groupId: string, groupType: 'group' | 'tenant_group'): Promise<ProjectGroup> {
    await requireProject(this.ctx.db, projectId);
    const row = groupType === 'group' ? await repo.findProjectGroup(this.ctx.db, projectId, groupId) : undefined;
    if (!row) throw notFound(`group in project '${projectId}'`, groupId, 'group_id');
    return toProjectGroup(row);
  }

  async add(actor: Principal, projectId: string, body: AddProjectGroupBody): Promise<ProjectGroup> {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      await requireGroup(tx, body.group_id);
      const role = await requireRole(tx, scope, body.role, 'role');
      if (!(await repo.insertProjectGroup(tx, projectId, body.group_id, this.ctx.clock.now()))) {
        throw conflict(`Group '${body.group_id}' already has access to project '${projectId}'.`, 'group_id', 'already_a_project_group');
      }
      await createAssignment(this.ctx, tx, actor, scope, { type: 'group', id: body.group_id }, role);
      return toProjectGroup((await repo.findProjectGroup(tx, projectId, body.group_id))!);
    });
  }

  async remove(actor: Principal, projectId: string, groupId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      if (!(await repo.findProjectGroup(tx, projectId, groupId))) throw notFound(`group in project '${projectId}'`, groupId, 'group_id');
      for (const assignment of await groupAssignments(tx, scopeKey(scope), groupId)) await deleteAssignment(this.ctx, tx, actor, scope, assignment);
      await repo.deleteProjectGroup(tx, projectId, groupId);
      return { object: 'project.group.deleted' as const, deleted: true };
    });
  }
}
