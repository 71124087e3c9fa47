import type { AppContext } from '../../../core/context.js';
import { badRequest } from '../../../platform/errors.js';
import { listEnvelope, type PageRequest } from '../../../platform/pagination.js';
import type { Static } from 'typebox';
import * as repo from './repository.js';
import type { AuditLog } from './schemas.js';

export class AuditLogsService {
  constructor(private readonly ctx: AppContext) {}

  async list(filter: repo.AuditFilter, page: PageRequest) {
    if (filter.tenantOnly && filter.eventTypes?.some((t) => !t.startsWith('tenant.'))) {
      throw badRequest("When 'tenant_only' is true, every event type must be tenant-scoped.", 'event_types');
    }
    const { rows, hasMore } = await repo.listAuditLogs(this.ctx.db, filter, page);
    const data = rows.map((row) => {
      const event: Record<string, unknown> = {
        id: row.id,
        type: row.type,
        effective_at: Number(row.effective_at),
      };
      if (row.project_id) event.project = { id: row.project_id, name: row.project_name ?? '' };
      event.actor = row.actor ? JSON.parse(row.actor) : null;
      event[row.type] = JSON.parse(row.details);
      return event as Static<typeof AuditLog>;
    });
    return listEnvelope(data, hasMore);
  }
}
