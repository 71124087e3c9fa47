import { Type, type Static } from 'typebox';
import { After, Before, Const, CursorList, Deleted, IdParam, named, NullableString, StringEnum } from '../../../platform/schemas.js';

// An address as mail servers accept it: local part, @, a dotted domain; no spaces or angle brackets.
const Email = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@<>(),;:"]+@[^\\s@<>(),;:"]+\\.[^\\s@<>(),;:"]+$' });

const NotificationChannelInput = Type.Object(
  {
    type: StringEnum(['email'] as const),
    recipients: Type.Array(Email, { minItems: 1, maxItems: 100 }),
    subject_prefix: Type.Optional(NullableString({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** Body of the create and update spend-alert operations (`CreateSpendAlertBody`). */
export const SpendAlertBody = named('CreateSpendAlertBody', Type.Object(
  {
    threshold_amount: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The alert threshold amount, in cents.' }),
    currency: StringEnum(['USD'] as const),
    interval: StringEnum(['month'] as const),
    notification_channel: NotificationChannelInput,
  },
  { additionalProperties: false },
));
export type SpendAlertBody = Static<typeof SpendAlertBody>;

const NotificationChannel = Type.Object({
  type: Const('email'),
  recipients: Type.Array(Type.String()),
  subject_prefix: NullableString(),
});

const alertFields = {
  threshold_amount: Type.Integer(),
  currency: Type.String(),
  interval: Type.String(),
  notification_channel: NotificationChannel,
};

export const OrganizationSpendAlert = named('OrganizationSpendAlert', Type.Object({ id: Type.String(), object: Const('organization.spend_alert'), ...alertFields }));
export const ProjectSpendAlert = named('ProjectSpendAlert', Type.Object({ id: Type.String(), object: Const('project.spend_alert'), ...alertFields }));
export type SpendAlert = Static<typeof OrganizationSpendAlert> | Static<typeof ProjectSpendAlert>;
/** The answers for the organization (`P` undefined) or for a project (`P` a project ID). */
export type SpendAlertOf<P> = P extends string ? Static<typeof ProjectSpendAlert> : Static<typeof OrganizationSpendAlert>;

export const OrganizationSpendAlertList = named('OrganizationSpendAlertListResource', CursorList(OrganizationSpendAlert));
export const ProjectSpendAlertList = named('ProjectSpendAlertListResource', CursorList(ProjectSpendAlert));

export const OrganizationSpendAlertDeleted = named('OrganizationSpendAlertDeletedResource', Deleted('organization.spend_alert.deleted'));
export const ProjectSpendAlertDeleted = named('ProjectSpendAlertDeletedResource', Deleted('project.spend_alert.deleted'));
export type SpendAlertDeletedOf<P> = P extends string ? Static<typeof ProjectSpendAlertDeleted> : Static<typeof OrganizationSpendAlertDeleted>;

/** `limit` 0..100 (default 20), `order` (default asc), `after` / `before` cursors. */
export const ListSpendAlertsQuery = Type.Object({
  limit: Type.Integer({ minimum: 0, maximum: 100, default: 20, description: 'A limit on the number of spend alerts to return.' }),
  order: StringEnum(['asc', 'desc'] as const, { default: 'asc' }),
  after: Type.Optional(After()),
  before: Type.Optional(Before()),
});
export type ListSpendAlertsQuery = Static<typeof ListSpendAlertsQuery>;

export const AlertIdParams = Type.Object({ alert_id: IdParam('The ID of the spend alert.') });
export const ProjectAlertIdParams = Type.Object({ project_id: IdParam('The ID of the project.'), alert_id: IdParam('The ID of the spend alert.') });
