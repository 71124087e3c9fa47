import { writeAudit } from '../../../../core/audit.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { inTransaction } from '../../../../core/context.js';
import type { Core } from '../../../../core/index.js';
import { bumpPolicyVersion } from '../../../../core/policies/repository.js';
import { listEnvelope, type PageRequest } from '../../../../platform/pagination.js';
import * as repo from '../../certificates/repository.js';
import { auditCertificate, requireCertificates, toScoped } from '../../certificates/service.js';
import { auditProject, requireActiveProject, requireProject } from '../service.js';

export class ProjectCertificatesService {
  constructor(private readonly ctx: Core) {}

  /** Every certificate of the organization, with whether it is active in this project. */
  async list(projectId: string, page: PageRequest) {
    await requireProject(this.ctx.db, projectId);
    const { rows, hasMore } = await repo.listForProject(this.ctx.db, projectId, page);
    return listEnvelope(rows.map((r) => toScoped('organization.project.certificate', r, r.active_in !== null)), hasMore);
  }

  /**
   * Activates or deactivates certificates for the project, all or none. Certificates already in
   * the requested state are left as they are; the event lists those that changed (none: no event).
   */
  async toggle<T extends string>(actor: Principal, projectId: string, ids: string[], active: boolean, object: T) {
    const result = await inTransaction(this.ctx, async (tx) => {
      const project = await requireActiveProject(tx, projectId);
      const rows = await requireCertificates(tx, ids);
      const current = await repo.activeInProject(tx, projectId, rows.map((r) => r.id));
      const changing = rows.filter((r) => current.has(r.id) !== active);
      if (changing.length) {
        const changed = changing.map((r) => r.id);
        if (active) await repo.activateInProject(tx, projectId, changed, this.ctx.clock.now());
        else await repo.deactivateInProject(tx, projectId, changed);
        await writeAudit(tx, this.ctx.clock, actor, {
          type: active ? 'certificates.activated' : 'certificates.deactivated',
          resourceId: null,
          project: auditProject(project),
          details: { certificates: changing.map(auditCertificate) },
        });
        // Mutual TLS: every replica's gateway reloads the active certificates (this one at once, below).
        await bumpPolicyVersion(tx);
      }
      return { object, data: rows.map((r) => toScoped('organization.project.certificate', r, active)) };
    });
    await this.ctx.policies.refresh();
    return result;
  }
}
