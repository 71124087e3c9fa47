import { writeAudit } from '../../../../core/audit.js';
import { issueKey } from '../../../../core/keys/index.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../../core/context.js';
import { notFound } from '../../../../platform/errors.js';
import { newId } from '../../../../platform/ids.js';
import { listEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { deleteOwnerKeys } from '../../../../core/keys/store.js';
import { DEFAULT_PROJECT_KEY_SCOPES } from '../api-keys/service.js';
import { auditProject, requireActiveProject, requireProject } from '../service.js';
import * as repo from './repository.js';
import type { CreateServiceAccountBody, CreateServiceAccountKeyBody, ProjectServiceAccount, ServiceAccountApiKey, UpdateServiceAccountBody } from './schemas.js';

/** Name given to service-account keys created without one. */
const DEFAULT_KEY_NAME = 'Secret Key';

function toServiceAccount(row: Omit<repo.ServiceAccountRow, 'seq'>): ProjectServiceAccount {
  return { object: 'organization.project.service_account', id: row.id, name: row.name, role: row.role, created_at: Number(row.created_at) };
}

async function requireServiceAccount(db: Executor, projectId: string, id: string): Promise<repo.ServiceAccountRow> {
  const row = await repo.findServiceAccount(db, projectId, id);
  if (!row) throw notFound('service account', id, 'service_account_id');
  return row;
}

/** Issues a project key (sk-svcacct-) owned by the service account; the secret is returned once. */
async function issueServiceAccountKey(tx: Executor, projectId: string, serviceAccountId: string, name: string, now: number): Promise<ServiceAccountApiKey> {
  const { row, value } = await issueKey(tx, {
    kind: 'project', name, projectId, ownerType: 'service_account', ownerId: serviceAccountId, expiresAt: null, createdAt: now,
  });
  return { object: 'organization.project.service_account.api_key', value, name, created_at: now, id: row.id };
}

export class ServiceAccountsService {
  constructor(private readonly ctx: AppContext) {}

  async list(projectId: string, page: PageRequest) {
    await requireProject(this.ctx.db, projectId);
    const { rows, hasMore } = await repo.listServiceAccounts(this.ctx.db, projectId, page);
    return listEnvelope(rows.map(toServiceAccount), hasMore);
  }

  async retrieve(projectId: string, id: string): Promise<ProjectServiceAccount> {
    await requireProject(this.ctx.db, projectId);
    return toServiceAccount(await requireServiceAccount(this.ctx.db, projectId, id));
  }

  /**
   * Creates a `member` service account with its first API key, or (with
   * `create_service_account_only`) one with role `none` and no key. One audit event either way.
   */
  async create(actor: Principal, projectId: string, body: CreateServiceAccountBody) {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const now = this.ctx.clock.now();
      const only = body.create_service_account_only === true;
      const row = { id: newId('serviceAccount'), project_id: projectId, name: body.name, role: only ? 'none' as const : 'member' as const, created_at: now };
      await repo.insertServiceAccount(tx, row);
      const apiKey = only ? null : await issueServiceAccountKey(tx, projectId, row.id, DEFAULT_KEY_NAME, now);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'service_account.created',
        resourceId: row.id,
        project: auditProject(project),
        details: { id: row.id, data: { role: row.role } },
      });
      return { ...toServiceAccount(row), api_key: apiKey };
    });
  }

  /** Renames and/or changes the role; an empty body changes nothing and logs nothing. */
  async update(actor: Principal, projectId: string, id: string, body: UpdateServiceAccountBody): Promise<ProjectServiceAccount> {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const row = await requireServiceAccount(tx, projectId, id);
      const changes: Partial<Pick<repo.ServiceAccountRow, 'name' | 'role'>> = {};
      if (body.name !== undefined) changes.name = body.name;
      if (body.role !== undefined) changes.role = body.role;
      if (Object.keys(changes).length === 0) return toServiceAccount(row);
      await repo.updateServiceAccount(tx, id, changes);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'service_account.updated',
        resourceId: id,
        project: auditProject(project),
        details: { id, changes_requested: changes },
      });
      return toServiceAccount({ ...row, ...changes });
    });
  }

  /** Deletes the service account and every API key it owns. */
  async delete(actor: Principal, projectId: string, id: string) {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      await requireServiceAccount(tx, projectId, id);
      await deleteOwnerKeys(tx, 'service_account', id);
      await repo.deleteServiceAccount(tx, id);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'service_account.deleted', resourceId: id, project: auditProject(project), details: { id } });
      return { object: 'organization.project.service_account.deleted' as const, id, deleted: true };
    });
  }

  /** An additional API key for the service account. Scopes are recorded in the audit event. */
  async createKey(actor: Principal, projectId: string, id: string, body: CreateServiceAccountKeyBody | null): Promise<ServiceAccountApiKey> {
    return inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      await requireServiceAccount(tx, projectId, id);
      const key = await issueServiceAccountKey(tx, projectId, id, body?.name ?? DEFAULT_KEY_NAME, this.ctx.clock.now());
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'api_key.created',
        resourceId: key.id,
        project: auditProject(project),
        details: { id: key.id, data: { scopes: body?.scopes ?? DEFAULT_PROJECT_KEY_SCOPES } },
      });
      return key;
    });
  }
}
