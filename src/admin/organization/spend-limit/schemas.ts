import { Type, type Static } from 'typebox';
import { Const, named, StringEnum } from '../../../platform/schemas.js';

const Threshold = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The hard spend limit amount, in cents.' });

/** Body of Updateorganizationspendlimit / Updateprojectspendlimit. */
export const UpdateSpendLimitBody = named('UpdateSpendLimitBody', Type.Object(
  {
    threshold_amount: Threshold,
    currency: StringEnum(['USD'] as const),
    interval: StringEnum(['month'] as const),
  },
  { additionalProperties: false },
));
export type UpdateSpendLimitBody = Static<typeof UpdateSpendLimitBody>;

const SpendLimitFields = {
  threshold_amount: Type.Integer(),
  currency: Type.String(),
  interval: Type.String(),
  enforcement: Type.Object({ status: StringEnum(['inactive', 'enforcing'] as const) }),
};

export const OrganizationSpendLimit = named('OrganizationSpendLimitResource', Type.Object({ object: Const('organization.spend_limit'), ...SpendLimitFields }));
export const ProjectSpendLimit = named('ProjectSpendLimitResource', Type.Object({ object: Const('project.spend_limit'), ...SpendLimitFields }));
export type SpendLimit = Static<typeof OrganizationSpendLimit> | Static<typeof ProjectSpendLimit>;
/** The answer for the organization (`P` undefined) or for a project (`P` a project ID). */
export type SpendLimitOf<P> = P extends string ? Static<typeof ProjectSpendLimit> : Static<typeof OrganizationSpendLimit>;
export type SpendLimitDeletedOf<P> = P extends string ? Static<typeof ProjectSpendLimitDeleted> : Static<typeof OrganizationSpendLimitDeleted>;

export const OrganizationSpendLimitDeleted = named('OrganizationSpendLimitDeletedResource', Type.Object({ object: Const('organization.spend_limit.deleted'), deleted: Type.Boolean() }));
export const ProjectSpendLimitDeleted = named('ProjectSpendLimitDeletedResource', Type.Object({ object: Const('project.spend_limit.deleted'), deleted: Type.Boolean() }));
