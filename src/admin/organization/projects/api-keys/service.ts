import { writeAudit } from '../../../../core/audit.js';
import { issueKey } from '../../../../core/keys/index.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../../core/context.js';
import { badRequest, notFound } from '../../../../platform/errors.js';
import { listEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { requireUser } from '../../users/service.js';
import { auditProject, requireActiveProject, requireProject } from '../service.js';
import { findProjectUser } from '../users/repository.js';
import * as repo from './repository.js';
import type { CreateProjectApiKeyBody, ProjectApiKey } from './schemas.js';

/** Scopes recorded in `api_key.created` for project keys created without explicit scopes (unrestricted). */
export const DEFAULT_PROJECT_KEY_SCOPES = ['api.all'];

function toProjectApiKey(row: repo.ProjectKeyRow): ProjectApiKey {
  const owner: ProjectApiKey['owner'] = row.owner_type === 'user'
    ? { type: 'user', user: { id: row.owner_id, email: row.user_email!, name: row.user_name!, created_at: Number(row.user_added_at), role: row.user_role ?? 'none' } }
    : { type: 'service_account', service_account: { id: row.owner_id, name: row.sa_name!, created_at: Number(row.sa_created_at), role: row.sa_role! } };
  // The owner has access as a project member (user) or with a project role other than `none` (service account).
  const active = row.owner_type === 'user' ? row.user_role !== null : row.sa_role !== 'none';
  return {
    object: 'organization.project.api_key',
    redacted_value: row.redacted_value,
    name: row.name ?? '',
    created_at: Number(row.created_at),
    last_used_at: row.last_used_at === null ? null : Number(row.last_used_at),
    id: row.id,
    owner_project_access: active ? 'active' : 'inactive',
    owner,
  };
}

export class ProjectApiKeysService {
  constructor(private readonly ctx: AppContext) {}

  async list(projectId: string, page: PageRequest, access: repo.OwnerAccess = 'active') {
    await requireProject(this.ctx.db, projectId);
    const { rows, hasMore } = await repo.listProjectKeys(this.ctx.db, projectId, access, page);
    return listEnvelope(rows.map(toProjectApiKey), hasMore);
  }

  async retrieve(projectId: string, keyId: string): Promise<ProjectApiKey> {
    await requireProject(this.ctx.db, projectId);
    const row = await repo.findProjectKey(this.ctx.db, projectId, keyId);
    if (!row) throw notFound('project API key', keyId, 'api_key_id');
    return toProjectApiKey(row);
  }

  /** A key owned by a project member, as OpenAI's dashboard creates them. */
  async create(actor: Principal, projectId: string, body: CreateProjectApiKeyBody): Promise<ProjectApiKey & { value: string }> {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      await requireUser(tx, body.user_id, 'user_id');
      if (!(await findProjectUser(tx, projectId, body.user_id))) {
        throw badRequest(`User '${body.user_id}' is not a member of project '${projectId}'.`, 'user_id', 'not_a_project_member');
      }
      const { row, value } = await issueKey(tx, {
        kind: 'project',
        name: body.name,
        projectId,
        ownerType: 'user',
        ownerId: body.user_id,
        expiresAt: null,
        createdAt: this.ctx.clock.now(),
      });
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'api_key.created',
        resourceId: row.id,
        project: auditProject(project),
        details: { id: row.id, data: { scopes: DEFAULT_PROJECT_KEY_SCOPES } },
      });
      const created = await repo.findProjectKey(tx, projectId, row.id);
      return { ...toProjectApiKey(created!), value };
    });
  }

  /** Service-account keys are refused: they go with their service account. */
  async delete(actor: Principal, projectId: string, keyId: string) {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const row = await repo.findProjectKey(tx, projectId, keyId);
      if (!row) throw notFound('project API key', keyId, 'api_key_id');
      if (row.owner_type === 'service_account') {
        throw badRequest(`API key '${keyId}' belongs to a service account and cannot be deleted on its own; delete the service account instead.`, 'api_key_id', 'service_account_key');
      }
      await repo.deleteKey(tx, keyId);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'api_key.deleted', resourceId: keyId, project: auditProject(project), details: { id: keyId } });
      return { object: 'organization.project.api_key.deleted' as const, id: keyId, deleted: true };
    });
  }
}
