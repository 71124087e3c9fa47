import { writeAudit } from '../../../core/audit.js';
import type { Principal } from '../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../core/context.js';
import { notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { nextListEnvelope, type PageRequest } from '../../../platform/pagination.js';
import * as repo from './repository.js';
import type { Group, GroupBody, GroupSummary } from './schemas.js';

export type { GroupRow } from './repository.js';

export function toGroup(row: repo.GroupRow): Group {
  return { id: row.id, name: row.name, created_at: Number(row.created_at), is_scim_managed: row.is_scim_managed === 1, group_type: 'group' };
}

export function toGroupSummary(row: repo.GroupRow): GroupSummary {
  return { object: 'group', id: row.id, name: row.name, created_at: Number(row.created_at), scim_managed: row.is_scim_managed === 1 };
}

/** Loads a group or throws 404 naming `param`. Shared by every module that references groups. */
export async function requireGroup(db: Executor, groupId: string, param = 'group_id'): Promise<repo.GroupRow> {
  const row = await repo.findGroup(db, groupId);
  if (!row) throw notFound('group', groupId, param);
  return row;
}

export class GroupsService {
  constructor(private readonly ctx: AppContext) {}

  async list(page: PageRequest) {
    const { rows, hasMore } = await repo.listGroups(this.ctx.db, page);
    return nextListEnvelope(rows.map(toGroup), hasMore);
  }

  async retrieve(id: string): Promise<Group> {
    return toGroup(await requireGroup(this.ctx.db, id));
  }

  async create(actor: Principal, body: GroupBody): Promise<Group> {
    const row: repo.GroupRow = { seq: 0, id: newId('group'), name: body.name, created_at: this.ctx.clock.now(), is_scim_managed: 0 };
    const { seq: _seq, ...values } = row;
    await inTransaction(this.ctx, async (tx) => {
      await repo.insertGroup(tx, values);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'group.created', resourceId: row.id, details: { id: row.id, data: { group_name: row.name } } });
    });
    return toGroup(row);
  }

  /** Renames the group; the current name again changes nothing and logs nothing. */
  async update(actor: Principal, id: string, body: GroupBody) {
    return inTransaction(this.ctx, async (tx) => {
      const row = await requireGroup(tx, id);
      if (row.name !== body.name) {
        await repo.renameGroup(tx, id, body.name);
        await writeAudit(tx, this.ctx.clock, actor, { type: 'group.updated', resourceId: id, details: { id, changes_requested: { group_name: body.name } } });
      }
      const { group_type: _type, ...group } = toGroup({ ...row, name: body.name });
      return group;
    });
  }

  /** Deletes the group with its memberships, project access and role assignments. */
  async delete(actor: Principal, id: string) {
    return inTransaction(this.ctx, async (tx) => {
      await requireGroup(tx, id);
      await repo.deleteGroup(tx, id);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'group.deleted', resourceId: id, details: { id } });
      return { object: 'group.deleted' as const, id, deleted: true };
    });
  }
}
