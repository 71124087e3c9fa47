import type { App } from '../../app-type.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { AuditLogList, ListAuditLogsQuery } from './schemas.js';

export default function auditLogsRoutes(app: App, services: AdminServices): void {
  const service = services.auditLogs;

  app.get('/organization/audit_logs', {
    schema: {
      operationId: 'list-audit-logs',
      summary: 'List audit-log events',
      description:
        'Returns the events orgplane wrote for every change made through the API, newest first, filtered by time, project, event type, actor or resource. ' +
        'Each event was written in the same transaction as the change it records.',
      tags: ['Audit Logs'], querystring: ListAuditLogsQuery, response: { 200: AuditLogList, ...errorResponses },
    },
  }, (req) => {
    const q = req.query;
    return service.list(
      {
        effectiveAt: q.effective_at,
        projectIds: q.project_ids,
        eventTypes: q.event_types,
        actorIds: q.actor_ids,
        actorEmails: q.actor_emails,
        resourceIds: q.resource_ids,
        tenantOnly: q.tenant_only,
      },
      q,
    );
  });
}
