import type { Executor } from '../core/context.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { auditActor, type Principal } from './keys/principal.js';

/** One audit-log event: its official `type`, the project it is scoped to, and its details payload. */
export interface AuditEvent {
  type: string;
  /** Target object ID (the details' `id`), used by the `resource_ids[]` filter. */
  resourceId: string | null;
  project?: { id: string; name: string } | null;
  /** The object stored under the key named after `type` (e.g. `{"id": ..., "data": {...}}`). */
  details: Record<string, unknown>;
}

/**
 * Writes audit events. Call it with the transaction of the mutation it records, so the
 * change and its event commit together.
 */
export async function writeAudit(tx: Executor, clock: Clock, actor: Principal | null, event: AuditEvent): Promise<void> {
  await tx
    .insertInto('audit_logs')
    .values({
      id: newId('auditLog'),
      type: event.type,
      effective_at: clock.now(),
      project_id: event.project?.id ?? null,
      project_name: event.project?.name ?? null,
      actor: actor ? JSON.stringify(auditActor(actor)) : null,
      actor_id: actor ? actor.owner.id : null,
      actor_key_id: actor ? actor.keyId : null,
      actor_email: actor && actor.owner.type === 'user' ? actor.owner.email : null,
      resource_id: event.resourceId,
      details: JSON.stringify(event.details),
    })
    .execute();
}
