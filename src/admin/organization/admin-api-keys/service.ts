import { writeAudit } from '../../../core/audit.js';
import { issueKey } from '../../../core/keys/index.js';
import type { Principal } from '../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../core/context.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import * as repo from './repository.js';
import type { AdminApiKey, CreateAdminApiKeyBody } from './schemas.js';

/** Scopes recorded for admin keys in `api_key.created` events. */
const ADMIN_SCOPES = ['api.management.read', 'api.management.write'];

function toAdminKey(row: repo.AdminKeyRow): AdminApiKey {
  const owner = row.owner_type === 'user'
    ? { type: 'user', object: 'organization.user', id: row.owner_id, name: row.user_name ?? '', created_at: Number(row.user_added_at ?? 0), role: row.user_role ?? 'owner' }
    : { type: 'service_account', object: 'organization.service_account', id: row.owner_id, name: row.sa_name ?? '', created_at: Number(row.sa_created_at ?? 0), role: row.sa_role ?? 'member' };
  return {
    object: 'organization.admin_api_key',
    id: row.id,
    name: row.name,
    redacted_value: row.redacted_value,
    created_at: Number(row.created_at),
    expires_at: row.expires_at === null ? null : Number(row.expires_at),
    last_used_at: row.last_used_at === null ? null : Number(row.last_used_at),
    owner,
  };
}

export class AdminApiKeysService {
  constructor(private readonly ctx: AppContext) {}

  async list(page: PageRequest) {
    const { rows, hasMore } = await repo.listAdminKeys(this.ctx.db, page);
    return listEnvelope(rows.map(toAdminKey), hasMore);
  }

  async retrieve(id: string): Promise<AdminApiKey> {
    const row = await repo.findAdminKey(this.ctx.db, id);
    if (!row) throw notFound('admin API key', id, 'key_id');
    return toAdminKey(row);
  }

  /** The new key is owned by the owner of the key that creates it. */
  async create(actor: Principal, body: CreateAdminApiKeyBody): Promise<AdminApiKey & { value: string }> {
    const now = this.ctx.clock.now();
    return inTransaction(this.ctx, async (tx) => {
      const { row, value } = await issueKey(tx, {
        kind: 'admin',
        name: body.name,
        projectId: null,
        ownerType: actor.owner.type,
        ownerId: actor.owner.id,
        expiresAt: body.expires_in_seconds === undefined ? null : now + body.expires_in_seconds,
        createdAt: now,
      });
      await writeAudit(tx, this.ctx.clock, actor, { type: 'api_key.created', resourceId: row.id, details: { id: row.id, data: { scopes: ADMIN_SCOPES } } });
      const created = await repo.findAdminKey(tx, row.id);
      return { ...toAdminKey(created!), value };
    });
  }

  /** Deleting the last admin key is refused: it would lock everyone out of the Administration API. */
  async delete(actor: Principal, id: string) {
    return inTransaction(this.ctx, async (tx) => {
      const row = await repo.findAdminKey(tx, id);
      if (!row) throw notFound('admin API key', id, 'key_id');
      if ((await repo.countAdminKeys(tx)) <= 1) {
        throw badRequest('The last admin API key of the organization cannot be deleted; create another one first.', 'key_id', 'last_admin_key');
      }
      await repo.deleteKey(tx, id);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'api_key.deleted', resourceId: id, details: { id } });
      return { id, object: 'organization.admin_api_key.deleted' as const, deleted: true };
    });
  }
}
