import { assertProjectActive, isProjectActive } from '../../../core/projects.js';
import type { Principal } from '../../../core/keys/principal.js';
import { writeAudit } from '../../../core/audit.js';
import { type AppContext, type Executor, inTransaction } from '../../../core/context.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import * as repo from './repository.js';
import type { CreateProjectBody, Project, UpdateProjectBody } from './schemas.js';

export function toProject(row: repo.ProjectRow): Project {
  const project: Project = {
    id: row.id,
    object: 'organization.project',
    name: row.name,
    created_at: Number(row.created_at),
    archived_at: row.archived_at === null ? null : Number(row.archived_at),
    status: row.status,
    external_key_id: row.external_key_id,
  };
  if (row.residency) project.residency = row.residency as Project['residency'];
  return project;
}

/** Loads a project or throws 404 naming it. Shared by every project-scoped module. */
export async function requireProject(db: Executor, projectId: string): Promise<repo.ProjectRow> {
  const row = await repo.findProject(db, projectId);
  if (!row) throw notFound('project', projectId, 'project_id');
  return row;
}

/** Loads an active project: archived projects have nothing left to change. */
export async function requireActiveProject(db: Executor, projectId: string): Promise<repo.ProjectRow> {
  const row = await requireProject(db, projectId);
  assertProjectActive(row);
  return row;
}

/** The `project` of an audit event scoped to this project. */
export const auditProject = (row: { id: string; name: string }) => ({ id: row.id, name: row.name });

export class ProjectsService {
  constructor(private readonly ctx: AppContext) {}

  async list(page: PageRequest, includeArchived: boolean) {
    const { rows, hasMore } = await repo.listProjects(this.ctx.db, page, includeArchived);
    return listEnvelope(rows.map(toProject), hasMore);
  }

  async retrieve(id: string): Promise<Project> {
    return toProject(await requireProject(this.ctx.db, id));
  }

  async create(actor: Principal, body: CreateProjectBody): Promise<Project> {
    const row: repo.ProjectRow = {
      seq: 0,
      id: newId('project'),
      name: body.name,
      created_at: this.ctx.clock.now(),
      archived_at: null,
      status: 'active',
      external_key_id: body.external_key_id ?? null,
      residency: body.residency ?? null,
      is_default: 0,
    };
    const { seq: _seq, ...values } = row;
    await inTransaction(this.ctx, async (tx) => {
      await repo.insertProject(tx, values);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'project.created',
        resourceId: row.id,
        project: auditProject(row),
        details: { id: row.id, data: { name: row.name, title: row.name } },
      });
    });
    return toProject(row);
  }

  async update(actor: Principal, id: string, body: UpdateProjectBody): Promise<Project> {
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireProject(tx, id);
      if (row.is_default) throw badRequest('The Default project cannot be modified.', 'project_id', 'default_project');
      assertProjectActive(row);
      const changes: Partial<repo.ProjectRow> = {};
      if (body.name != null) changes.name = body.name;
      if (body.external_key_id !== undefined) changes.external_key_id = body.external_key_id;
      if (Object.keys(changes).length === 0) return toProject(row);
      await repo.updateProject(tx, id, changes);
      const updated = { ...row, ...changes };
      const requested: Record<string, unknown> = {};
      if (changes.name !== undefined) requested.title = changes.name;
      if (changes.external_key_id !== undefined) requested.external_key_id = changes.external_key_id;
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'project.updated',
        resourceId: id,
        project: auditProject(updated),
        details: { id, changes_requested: requested },
      });
      return toProject(updated);
    });
  }

  async archive(actor: Principal, id: string): Promise<Project> {
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireProject(tx, id);
      if (row.is_default) throw badRequest('The Default project cannot be archived.', 'project_id', 'default_project');
      if (!isProjectActive(row)) return toProject(row); // idempotent: nothing changes, nothing is logged
      const changes = { status: 'archived' as const, archived_at: this.ctx.clock.now() };
      await repo.updateProject(tx, id, changes);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'project.archived',
        resourceId: id,
        project: auditProject(row),
        details: { id },
      });
      return toProject({ ...row, ...changes });
    });
  }
}
