import type { Principal } from '../../core/keys/principal.js';
import { writeAudit } from '../../core/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import { bumpPolicyVersion, organizationId } from '../../core/policies/repository.js';
import { auditProject, requireActiveProject, requireProject } from './projects/service.js';

/** Where a policy applies: the organization, or one project. */
export type PolicyScope = { kind: 'organization'; id: string } | { kind: 'project'; id: string; name: string };

/** The organization scope, or a project's (404 if the project does not exist; archived ones are refused for changes). */
export async function resolveScope(db: Executor, projectId: string | undefined, forChange: boolean): Promise<PolicyScope> {
  if (projectId === undefined) return { kind: 'organization', id: await organizationId(db) };
  const project = forChange ? await requireActiveProject(db, projectId) : await requireProject(db, projectId);
  return { kind: 'project', id: project.id, name: project.name };
}

/**
 * Records a policy change: the audit event (`organization.updated` or `project.updated`, the closest
 * official types, with the change under `changes_requested`) and the policy version bump that makes
 * every replica reload. Call inside the change's transaction.
 */
export async function recordPolicyChange(tx: Executor, clock: Clock, actor: Principal, scope: PolicyScope, changes: Record<string, unknown>): Promise<void> {
  await writeAudit(tx, clock, actor, {
    type: scope.kind === 'organization' ? 'organization.updated' : 'project.updated',
    resourceId: scope.id,
    project: scope.kind === 'project' ? auditProject(scope) : null,
    details: { id: scope.id, changes_requested: changes },
  });
  await bumpPolicyVersion(tx);
}
