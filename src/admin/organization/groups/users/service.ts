import { writeAudit } from '../../../../core/audit.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { type AppContext, inTransaction } from '../../../../core/context.js';
import { conflict, notFound } from '../../../../platform/errors.js';
import { nextListEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import { requireUser } from '../../users/service.js';
import { requireGroup } from '../service.js';
import * as repo from './repository.js';
import type { GroupMemberUser } from './schemas.js';

/**
 * Group membership. Members are organization users; membership changes are logged as
 * `group.updated` with `changes_requested.users_added` / `users_removed`.
 */
export class GroupUsersService {
  constructor(private readonly ctx: AppContext) {}

  async list(groupId: string, page: PageRequest) {
    await requireGroup(this.ctx.db, groupId);
    const { rows, hasMore } = await repo.listGroupUsers(this.ctx.db, groupId, page);
    return nextListEnvelope(rows, hasMore);
  }

  async retrieve(groupId: string, userId: string): Promise<GroupMemberUser> {
    await requireGroup(this.ctx.db, groupId);
    const row = await repo.findGroupUser(this.ctx.db, groupId, userId);
    if (!row) throw notFound(`user in group '${groupId}'`, userId, 'user_id');
    return { ...row, picture: null, is_service_account: false, user_type: 'user' };
  }

  async add(actor: Principal, groupId: string, userId: string) {
    return inTransaction(this.ctx, async (tx) => {
      await requireGroup(tx, groupId);
      await requireUser(tx, userId);
      if (!(await repo.insertGroupUser(tx, groupId, userId, this.ctx.clock.now()))) {
        throw conflict(`User '${userId}' is already a member of group '${groupId}'.`, 'user_id', 'already_a_member');
      }
      await writeAudit(tx, this.ctx.clock, actor, { type: 'group.updated', resourceId: groupId, details: { id: groupId, changes_requested: { users_added: [userId] } } });
      return { object: 'group.user' as const, user_id: userId, group_id: groupId };
    });
  }

  async remove(actor: Principal, groupId: string, userId: string) {
    return inTransaction(this.ctx, async (tx) => {
      await requireGroup(tx, groupId);
      if (!(await repo.findGroupUser(tx, groupId, userId))) throw notFound(`user in group '${groupId}'`, userId, 'user_id');
      await repo.deleteGroupUser(tx, groupId, userId);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'group.updated', resourceId: groupId, details: { id: groupId, changes_requested: { users_removed: [userId] } } });
      return { object: 'group.user.deleted' as const, deleted: true };
    });
  }
}
