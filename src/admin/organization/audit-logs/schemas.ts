import { Type } from 'typebox';
import { After, Before, CursorList, Limit, named, StringEnum } from '../../../platform/schemas.js';
import { AUDIT_EVENT_TYPES } from './event-types.js';

const Actor = Type.Object({
  type: StringEnum(['session', 'api_key'] as const),
  session: Type.Optional(Type.Object({}, { additionalProperties: true })),
  api_key: Type.Optional(Type.Object({
    id: Type.String(),
    type: StringEnum(['user', 'service_account'] as const),
    user: Type.Optional(Type.Object({ id: Type.String(), email: Type.String() })),
    service_account: Type.Optional(Type.Object({ id: Type.String() })),
  })),
});

/** An audit-log event; its details sit under a key named after its `type`. */
export const AuditLog = named('AuditLog', Type.Object(
  {
    id: Type.String(),
    type: StringEnum(AUDIT_EVENT_TYPES),
    effective_at: Type.Integer(),
    project: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
    actor: Type.Union([Actor, Type.Null()]),
  },
  { additionalProperties: true },
));

export const AuditLogList = named('ListAuditLogsResponse', CursorList(AuditLog));

const Strings = Type.Array(Type.String({ minLength: 1 }), { maxItems: 1000 });

export const ListAuditLogsQuery = Type.Object({
  effective_at: Type.Optional(
    Type.Object(
      { gt: Type.Optional(Type.Integer()), gte: Type.Optional(Type.Integer()), lt: Type.Optional(Type.Integer()), lte: Type.Optional(Type.Integer()) },
      { additionalProperties: false },
    ),
  ),
  project_ids: Type.Optional(Strings),
  event_types: Type.Optional(Type.Array(StringEnum(AUDIT_EVENT_TYPES), { maxItems: 200 })),
  actor_ids: Type.Optional(Strings),
  actor_emails: Type.Optional(Strings),
  resource_ids: Type.Optional(Strings),
  tenant_only: Type.Boolean({ default: false }),
  limit: Limit(),
  after: Type.Optional(After()),
  before: Type.Optional(Before()),
});
