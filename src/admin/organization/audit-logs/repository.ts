import type { Executor } from '../../../core/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export interface AuditFilter {
  effectiveAt?: { gt?: number; gte?: number; lt?: number; lte?: number };
  projectIds?: string[];
  eventTypes?: string[];
  actorIds?: string[];
  actorEmails?: string[];
  resourceIds?: string[];
  /** Tenant-scoped events only (orgplane records none). */
  tenantOnly?: boolean;
}

/** Newest first. */
export function listAuditLogs(db: Executor, filter: AuditFilter, page: PageRequest) {
  let q = db.selectFrom('audit_logs').selectAll();
  const at = filter.effectiveAt;
  if (at?.gt !== undefined) q = q.where('effective_at', '>', at.gt);
  if (at?.gte !== undefined) q = q.where('effective_at', '>=', at.gte);
  if (at?.lt !== undefined) q = q.where('effective_at', '<', at.lt);
  if (at?.lte !== undefined) q = q.where('effective_at', '<=', at.lte);
  if (filter.projectIds?.length) q = q.where('project_id', 'in', filter.projectIds);
  if (filter.eventTypes?.length) q = q.where('type', 'in', filter.eventTypes);
  if (filter.actorIds?.length) {
    const ids = filter.actorIds;
    q = q.where((eb) => eb.or([eb('actor_id', 'in', ids), eb('actor_key_id', 'in', ids)]));
  }
  if (filter.actorEmails?.length) q = q.where('actor_email', 'in', filter.actorEmails);
  if (filter.resourceIds?.length) q = q.where('resource_id', 'in', filter.resourceIds);
  if (filter.tenantOnly) q = q.where('type', 'like', 'tenant.%');
  return pageBySeq(db, q, { ...page, order: 'desc', seqRef: 'audit_logs.seq', cursorTable: 'audit_logs' });
}
