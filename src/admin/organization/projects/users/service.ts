import { writeAudit } from '../../../../core/audit.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../../core/context.js';
import { badRequest, notFound } from '../../../../platform/errors.js';
import { listEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { findUserByEmail } from '../../users/repository.js';
import { requireUser } from '../../users/service.js';
import { deleteOwnerKeys } from '../../../../core/keys/store.js';
import { auditProject, requireActiveProject, requireProject } from '../service.js';
import * as repo from './repository.js';
import type { CreateProjectUserBody, ModifyProjectUserBody, ProjectUser } from './schemas.js';

function toProjectUser(row: repo.ProjectUserRow): ProjectUser {
  return { object: 'organization.project.user', id: row.id, name: row.name, email: row.email, role: row.role, added_at: Number(row.added_at) };
}

async function requireProjectUser(db: Executor, projectId: string, userId: string): Promise<repo.ProjectUserRow> {
  const row = await repo.findProjectUser(db, projectId, userId);
  if (!row) throw notFound('project user', userId, 'user_id');
  return row;
}

/** The organization member a create request names, by `user_id` or by `email` (exactly one). */
async function resolveMember(db: Executor, body: CreateProjectUserBody): Promise<{ id: string; param: string }> {
  if (body.user_id != null && body.email != null) throw badRequest("Provide either 'user_id' or 'email', not both.", 'email');
  if (body.user_id != null) return { id: (await requireUser(db, body.user_id, 'user_id')).id, param: 'user_id' };
  if (body.email != null) {
    const user = await findUserByEmail(db, body.email);
    if (!user) throw notFound('user with email', body.email, 'email');
    return { id: user.id, param: 'email' };
  }
  throw badRequest("Missing required parameter: 'user_id'.", 'user_id', 'missing_required_parameter');
}

export class ProjectUsersService {
  constructor(private readonly ctx: AppContext) {}

  async list(projectId: string, page: PageRequest) {
    await requireProject(this.ctx.db, projectId);
    const { rows, hasMore } = await repo.listProjectUsers(this.ctx.db, projectId, page);
    return listEnvelope(rows.map(toProjectUser), hasMore);
  }

  async retrieve(projectId: string, userId: string): Promise<ProjectUser> {
    await requireProject(this.ctx.db, projectId);
    return toProjectUser(await requireProjectUser(this.ctx.db, projectId, userId));
  }

  /** Adds an organization member to the project; members already in it are refused. */
  async create(actor: Principal, projectId: string, body: CreateProjectUserBody): Promise<ProjectUser> {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const member = await resolveMember(tx, body);
      if (await repo.findProjectUser(tx, projectId, member.id)) {
        throw badRequest(`User '${member.id}' is already a member of project '${projectId}'.`, member.param, 'user_already_in_project');
      }
      await repo.insertProjectUser(tx, { project_id: projectId, user_id: member.id, role: body.role, added_at: this.ctx.clock.now() });
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'user.added',
        resourceId: member.id,
        project: auditProject(project),
        details: { id: member.id, data: { role: body.role } },
      });
      return toProjectUser((await repo.findProjectUser(tx, projectId, member.id))!);
    });
  }

  /** Changes the project role; a body without a role changes nothing and logs nothing. */
  async modify(actor: Principal, projectId: string, userId: string, body: ModifyProjectUserBody): Promise<ProjectUser> {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const row = await requireProjectUser(tx, projectId, userId);
      if (body.role == null) return toProjectUser(row);
      await repo.updateProjectUserRole(tx, projectId, userId, body.role);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'user.updated',
        resourceId: userId,
        project: auditProject(project),
        details: { id: userId, changes_requested: { role: body.role } },
      });
      return toProjectUser({ ...row, role: body.role });
    });
  }

  /** Removes the user from the project and deletes the project API keys they own in it. */
  async delete(actor: Principal, projectId: string, userId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      await requireProjectUser(tx, projectId, userId);
      await deleteOwnerKeys(tx, 'user', userId, projectId);
      await repo.deleteProjectUser(tx, projectId, userId);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'user.deleted', resourceId: userId, project: auditProject(project), details: { id: userId } });
      return { object: 'organization.project.user.deleted' as const, id: userId, deleted: true };
    });
  }
}
