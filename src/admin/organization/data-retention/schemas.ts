import { Type, type Static } from 'typebox';
import { Const, named, StringEnum } from '../../../platform/schemas.js';

export const ORGANIZATION_RETENTION_TYPES = ['zero_data_retention', 'modified_abuse_monitoring', 'enhanced_zero_data_retention', 'enhanced_modified_abuse_monitoring'] as const;
export const PROJECT_RETENTION_TYPES = ['organization_default', 'none', ...ORGANIZATION_RETENTION_TYPES] as const;
export type OrganizationRetentionType = (typeof ORGANIZATION_RETENTION_TYPES)[number];
export type ProjectRetentionType = (typeof PROJECT_RETENTION_TYPES)[number];

export const UpdateOrganizationDataRetentionBody = named('UpdateOrganizationDataRetentionBody', Type.Object({ retention_type: StringEnum(ORGANIZATION_RETENTION_TYPES) }, { additionalProperties: false }));
export const UpdateProjectDataRetentionBody = named('UpdateProjectDataRetentionBody', Type.Object({ retention_type: StringEnum(PROJECT_RETENTION_TYPES) }, { additionalProperties: false }));
export type UpdateDataRetentionBody = Static<typeof UpdateProjectDataRetentionBody>;

export const OrganizationDataRetention = named('OrganizationDataRetention', Type.Object({ object: Const('organization.data_retention'), type: StringEnum(ORGANIZATION_RETENTION_TYPES) }));
export const ProjectDataRetention = named('ProjectDataRetention', Type.Object({ object: Const('project.data_retention'), type: StringEnum(PROJECT_RETENTION_TYPES) }));
export type DataRetention = Static<typeof OrganizationDataRetention> | Static<typeof ProjectDataRetention>;
/** The answer for the organization (`P` undefined) or for a project (`P` a project ID). */
export type DataRetentionOf<P> = P extends string ? Static<typeof ProjectDataRetention> : Static<typeof OrganizationDataRetention>;
