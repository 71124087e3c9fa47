import type { HostedToolPermissionsRow } from '../../../../core/policies/repository.js';
import * as repo from '../../../../core/policies/repository.js';
import { HOSTED_TOOLS, type HostedTool } from '../../../../core/policies/tools.js';
import type { Principal } from '../../../../core/keys/principal.js';
import { inTransaction } from '../../../../core/context.js';
import type { Core } from '../../../../core/index.js';
import { recordPolicyChange, resolveScope } from '../../policy-scope.js';
import type { HostedToolPermissions, UpdateHostedToolPermissionsBody } from './schemas.js';

function toPermissions(row: HostedToolPermissionsRow | undefined): HostedToolPermissions {
  return Object.fromEntries(HOSTED_TOOLS.map((tool) => [tool, { enabled: row ? Boolean(Number(row[tool])) : true }])) as HostedToolPermissions;
}

/** A project's hosted tools: all enabled until disabled. */
export class HostedToolPermissionsService {
  constructor(private readonly ctx: Core) {}

  async retrieve(projectId: string): Promise<HostedToolPermissions> {
    const scope = await resolveScope(this.ctx.db, projectId, false);
    return toPermissions(await repo.findHostedToolPermissions(this.ctx.db, scope.id));
  }

  async update(actor: Principal, projectId: string, body: UpdateHostedToolPermissionsBody): Promise<HostedToolPermissions> {
    const result = await inTransaction(this.ctx, async (tx) => {
      const scope = await resolveScope(tx, projectId, true);
      const existing = await repo.findHostedToolPermissions(tx, scope.id);
      const current = toPermissions(existing);
      const requested: Partial<Record<HostedTool, { enabled: boolean }>> = {};
      for (const tool of HOSTED_TOOLS) {
        const update = body[tool];
        if (update != null && update.enabled !== current[tool].enabled) requested[tool] = { enabled: update.enabled };
      }
      if (Object.keys(requested).length === 0) return current;
      const next = { ...current, ...requested };
      const row = { project_id: scope.id, updated_at: this.ctx.clock.now() } as HostedToolPermissionsRow;
      for (const tool of HOSTED_TOOLS) row[tool] = next[tool].enabled ? 1 : 0;
      await repo.saveHostedToolPermissions(tx, row);
      await recordPolicyChange(tx, this.ctx.clock, actor, scope, { hosted_tool_permissions: requested });
      return next;
    });
    await this.ctx.policies.refresh();
    return result;
  }
}
