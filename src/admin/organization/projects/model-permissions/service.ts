import * as repo from '../../../../core/policies/repository.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { inTransaction } from '../../../../core/context.js';
import type { Core } from '../../../../core/index.js';
import { badRequest } from '../../../../platform/errors.js';
import { recordPolicyChange, resolveScope } from '../../policy-scope.js';
import type { ModelPermissions, UpdateModelPermissionsBody } from './schemas.js';

/** A project without a policy: an empty deny list (every model allowed). */
const unrestricted: ModelPermissions = { object: 'project.model_permissions', mode: 'deny_list', model_ids: [] };

/** A project's model allow list or deny list. Model IDs must be in the model catalog. */
export class ModelPermissionsService {
  constructor(private readonly ctx: Core) {}

  async retrieve(projectId: string): Promise<ModelPermissions> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    const row = await repo.findModelPermissions(this.ctx.db, scope.id);
    return row ? { object: 'project.model_permissions', mode: row.mode, model_ids: JSON.parse(row.model_ids) } : unrestricted;
  }

  async update(actor: Principal, projectId: string, body: UpdateModelPermissionsBody): Promise<ModelPermissions> {
    const known = new Set(this.ctx.catalog.models.map((m) => m.id));
    const seen = new Set<string>();
    body.model_ids.forEach((id, i) => {
      const param = `model_ids[${i}]`;
      if (!known.has(id)) throw badRequest(`Invalid '${param}': unknown model '${id}'. Model IDs must be in the model catalog (GET /v1/models lists them).`, param, 'model_not_found');
      if (seen.has(id)) throw badRequest(`Invalid '${param}': model '${id}' is listed twice.`, param, 'invalid_value');
      seen.add(id);
    });
    const result = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      await repo.saveModelPermissions(tx, { project_id: scope.id, mode: body.mode, model_ids: JSON.stringify(body.model_ids), updated_at: this.ctx.clock.now() });
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, { model_permissions: { mode: body.mode, model_ids: body.model_ids } });
      return { object: 'project.model_permissions' as const, mode: body.mode, model_ids: body.model_ids };
    });
    await this.ctx.policies.refresh();
    return result;
  }

  /** Lifts the restriction. Deleting when there is no policy changes nothing and is not an error. */
  async delete(actor: Principal, projectId: string) {
    await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      if (await repo.deleteModelPermissions(tx, scope.id)) await recordPolicyChange(tx, this.ctx.clock, actor, scope, { model_permissions: null });
    });
    await this.ctx.policies.refresh();
    return { object: 'project.model_permissions.deleted' as const, deleted: true };
  }
}
