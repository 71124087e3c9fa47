import { assertProjectActive, isProjectActive } from '../../../core/projects.js';
import { writeAudit } from '../../../core/audit.js';
import type { Principal } from '../../../core/keys/principal.js';
import { type AppContext, type Executor, inTransaction } from '../../../core/context.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import { findProject } from '../projects/repository.js';
import { findUserByEmail, insertUser } from '../users/repository.js';
import type { User } from '../users/schemas.js';
import { toUser } from '../users/service.js';
import { insertProjectUser } from '../projects/users/repository.js';
import * as repo from './repository.js';
import { type AcceptInviteBody, type Invite, type InviteProject, INVITE_TTL_SECONDS, type InviteUserBody } from './schemas.js';

/** The stored status, except that a pending invite whose `expires_at` has come reads as `expired`. */
function statusAt(row: repo.InviteRow, now: number): Invite['status'] {
  return row.status === 'pending' && Number(row.expires_at) <= now ? 'expired' : row.status;
}

function toInvite(row: repo.InviteRow, now: number): Invite {
  return {
    object: 'organization.invite',
    id: row.id,
    email: row.email,
    role: row.role,
    status: statusAt(row, now),
    created_at: Number(row.created_at),
    expires_at: Number(row.expires_at),
    accepted_at: row.accepted_at === null ? null : Number(row.accepted_at),
    projects: JSON.parse(row.projects) as InviteProject[],
  };
}

export class InvitesService {
  constructor(private readonly ctx: AppContext) {}

  private async requireInvite(db: Executor, id: string): Promise<repo.InviteRow> {
    const row = await repo.findInvite(db, id);
    if (!row) throw notFound('invite', id, 'invite_id');
    return row;
  }

  async list(page: PageRequest) {
    const now = this.ctx.clock.now();
    const { rows, hasMore } = await repo.listInvites(this.ctx.db, page);
    return listEnvelope(rows.map((r) => toInvite(r, now)), hasMore);
  }

  async retrieve(id: string): Promise<Invite> {
    return toInvite(await this.requireInvite(this.ctx.db, id), this.ctx.clock.now());
  }

  /** Every project must exist, be active and appear once. */
  private async checkProjects(db: Executor, projects: InviteProject[]): Promise<void> {
    const seen = new Set<string>();
    for (const [i, p] of projects.entries()) {
      const param = `projects[${i}].id`;
      if (seen.has(p.id)) throw badRequest(`Project '${p.id}' is listed more than once.`, param, 'duplicate_project');
      seen.add(p.id);
      const project = await findProject(db, p.id);
      if (!project) throw notFound('project', p.id, param);
      assertProjectActive(project, param, `Project '${p.id}' is archived; users cannot be invited to it.`);
    }
  }

  async invite(actor: Principal, body: InviteUserBody): Promise<Invite> {
    const now = this.ctx.clock.now();
    return inTransaction(this.ctx, async (tx) => {
      let projects = body.projects;
      if (projects === undefined) {
        const defaultId = await repo.defaultProjectId(tx);
        projects = defaultId ? [{ id: defaultId, role: 'member' }] : [];
      } else {
        await this.checkProjects(tx, projects);
      }
      if (await findUserByEmail(tx, body.email)) {
        throw conflict(`'${body.email}' is already a member of the organization.`, 'email', 'user_exists');
      }
      const open = await repo.findOpenInvite(tx, body.email, now);
      if (open) throw conflict(`'${body.email}' already has a pending invite ('${open.id}').`, 'email', 'invite_exists');
      const row: Omit<repo.InviteRow, 'seq'> = {
        id: newId('invite'),
        email: body.email,
        role: body.role,
        status: 'pending',
        created_at: now,
        expires_at: now + INVITE_TTL_SECONDS,
        accepted_at: null,
        projects: JSON.stringify(projects.map((p) => ({ id: p.id, role: p.role }))),
      };
      await repo.insertInvite(tx, row);
      await writeAudit(tx, this.ctx.clock, actor, {
        type: 'invite.sent',
        resourceId: row.id,
        details: { id: row.id, data: { email: row.email, role: row.role } },
      });
      return toInvite({ ...row, seq: 0 }, now);
    });
  }

  /**
   * Accepts a pending, unexpired invite on the invitee's behalf: creates the organization user
   * with the invite's role and adds them to the invite's projects.
   */
  async accept(actor: Principal, id: string, body: AcceptInviteBody): Promise<User> {
    const now = this.ctx.clock.now();
    return inTransaction(this.ctx, async (tx) => {
      const invite = await this.requireInvite(tx, id);
      const status = statusAt(invite, now);
      if (status === 'accepted') throw badRequest(`Invite '${id}' has already been accepted.`, 'invite_id', 'invite_accepted');
      if (status === 'expired') throw badRequest(`Invite '${id}' has expired; send a new invite.`, 'invite_id', 'invite_expired');
      if (await findUserByEmail(tx, invite.email)) {
        throw conflict(`'${invite.email}' is already a member of the organization.`, 'invite_id', 'user_exists');
      }
      const projects = JSON.parse(invite.projects) as InviteProject[];
      for (const p of projects) {
        const project = await findProject(tx, p.id);
        if (!project || !isProjectActive(project)) {
          throw badRequest(`Project '${p.id}' of this invite is no longer active; delete the invite and send a new one.`, 'invite_id', 'project_archived');
        }
      }
      if (!(await repo.markAccepted(tx, id, now))) throw badRequest(`Invite '${id}' has already been accepted.`, 'invite_id', 'invite_accepted');
      const user = { id: newId('user'), name: body.name, email: invite.email, role: invite.role, added_at: now };
      await insertUser(tx, user);
      for (const p of projects) await insertProjectUser(tx, { project_id: p.id, user_id: user.id, role: p.role, added_at: now });
      await writeAudit(tx, this.ctx.clock, actor, { type: 'invite.accepted', resourceId: id, details: { id } });
      return toUser({ ...user, seq: 0 });
    });
  }

  /** Accepted invites are part of the organization's history and cannot be deleted. */
  async delete(actor: Principal, id: string) {
    return inTransaction(this.ctx, async (tx) => {
      const invite = await this.requireInvite(tx, id);
      if (invite.status === 'accepted') throw badRequest(`Invite '${id}' has already been accepted and cannot be deleted.`, 'invite_id', 'invite_accepted');
      await repo.deleteInvite(tx, id);
      await writeAudit(tx, this.ctx.clock, actor, { type: 'invite.deleted', resourceId: id, details: { id } });
      return { object: 'organization.invite.deleted' as const, id, deleted: true };
    });
  }
}
