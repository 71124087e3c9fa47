import { writeAudit } from '../../../core/audit.js';
import type { Principal } from '../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../core/context.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import * as repo from './repository.js';
import { type ModifyUserBody, ORG_ROLE_IDS, type User } from './schemas.js';

export type { UserRow } from './repository.js';

export function toUser(row: repo.UserRow): User {
  const user: User = { object: 'organization.user', id: row.id, name: row.name, email: row.email, role: row.role, added_at: Number(row.added_at) };
  if (row.technical_level !== null) user.technical_level = row.technical_level;
  if (row.developer_persona !== null) user.developer_persona = row.developer_persona;
  return user;
}

/** Loads an organization user or throws 404 naming `param`. Shared by every module that references users. */
export async function requireUser(db: Executor, userId: string, param = 'user_id'): Promise<repo.UserRow> {
  const row = await repo.findUser(db, userId);
  if (!row) throw notFound('user', userId, param);
  return row;
}

export class UsersService {
  constructor(private readonly ctx: AppContext) {}

  async list(page: PageRequest, emails?: string[]) {
    const { rows, hasMore } = await repo.listUsers(this.ctx.db, page, emails);
    return listEnvelope(rows.map(toUser), hasMore);
  }

  async retrieve(id: string): Promise<User> {
    return toUser(await requireUser(this.ctx.db, id));
  }

  /** True when `userId` is the organization's only owner (owner rows locked until the transaction ends). */
  private async isLastOwner(tx: Executor, userId: string): Promise<boolean> {
    const owners = await repo.ownerIds(tx);
    return owners.length === 1 && owners[0] === userId;
  }

  /**
   * Changes the organization role (given as `role` or as a predefined role's `role_id`) and the
   * profile fields. What is given again unchanged changes nothing; a request that changes nothing
   * logs nothing.
   */
  async modify(actor: Principal, id: string, body: ModifyUserBody): Promise<User> {
    const byId = body.role_id ? ORG_ROLE_IDS[body.role_id] : undefined;
    if (body.role && byId && body.role !== byId) {
      throw badRequest(`'role' (${body.role}) and 'role_id' (${body.role_id}) name different roles; give one of them.`, 'role_id', 'invalid_value');
    }
    const role = body.role ?? byId;
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireUser(tx, id);
      const changes: repo.UserChanges = {};
      if (role !== undefined && role !== row.role) changes.role = role;
      for (const field of ['technical_level', 'developer_persona'] as const) {
        if (body[field] !== undefined && body[field] !== row[field]) changes[field] = body[field];
      }
      if (Object.keys(changes).length === 0) return toUser(row);
      if (changes.role && row.role === 'owner' && (await this.isLastOwner(tx, id))) {
        throw badRequest('The last owner of the organization cannot be demoted; make another user an owner first.', body.role ? 'role' : 'role_id', 'last_owner');
      }
      await repo.updateUser(tx, id, changes);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'user.updated',
        resourceId: id,
        details: { id, changes_requested: changes },
      });
      return toUser({ ...row, ...changes });
    });
  }

  /**
   * Removes the user from the organization, its projects and groups, and revokes every API key
   * they own. Refused for the last owner, and when it would leave the organization without any
   * admin key (nobody could use the Administration API any more).
   */
  async delete(actor: Principal, id: string) {
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireUser(tx, id);
      if (row.role === 'owner' && (await this.isLastOwner(tx, id))) {
        throw badRequest('The last owner of the organization cannot be removed; make another user an owner first.', 'user_id', 'last_owner');
      }
      if ((await repo.countOtherLiveAdminKeys(tx, id, this.ctx.clock.now())) === 0) {
        throw badRequest('This user owns every admin API key of the organization; removing them would revoke all of them. Create an admin key owned by another user first.', 'user_id', 'last_admin_key');
      }
      if (!(await repo.deleteUser(tx, id))) throw notFound('user', id, 'user_id');
      await writeAudit(tx, this.ctx.clock, actor, { type: 'user.deleted', resourceId: id, details: { id } });
      return { object: 'organization.user.deleted' as const, id, deleted: true };
    });
  }
}
