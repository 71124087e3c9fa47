import { writeAudit } from '../../../core/audit.js';
import type { Principal } from '../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../core/context.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import * as repo from './repository.js';
import type { ModifyUserBody, User } from './schemas.js';

export type { UserRow } from './repository.js';

export function toUser(row: repo.UserRow): User {
  return { object: 'organization.user', id: row.id, name: row.name, email: row.email, role: row.role, added_at: Number(row.added_at) };
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

  /** Changes the organization role. Setting the current role again changes nothing and logs nothing. */
  async modify(actor: Principal, id: string, body: ModifyUserBody): Promise<User> {
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireUser(tx, id);
      if (row.role === body.role) return toUser(row);
      if (row.role === 'owner' && (await this.isLastOwner(tx, id))) {
        throw badRequest('The last owner of the organization cannot be demoted; make another user an owner first.', 'role', 'last_owner');
      }
      await repo.updateUserRole(tx, id, body.role);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'user.updated',
        resourceId: id,
        details: { id, changes_requested: { role: body.role } },
      });
      return toUser({ ...row, role: body.role });
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
      if ((await repo.countOtherAdminKeys(tx, id)) === 0) {
        throw badRequest('This user owns every admin API key of the organization; removing them would revoke all of them. Create an admin key owned by another user first.', 'user_id', 'last_admin_key');
      }
      await repo.deleteUser(tx, id);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'user.deleted', resourceId: id, details: { id } });
      return { object: 'organization.user.deleted' as const, id, deleted: true };
    });
  }
}
