import { PROJECT_ROLES as OFFICIAL_PROJECT_ROLES } from '../../../../core/access/roles.js';
import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, named, NullableString, StringEnum } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';

/** `viewer` is an orgplane extension: a read-only project member (no model requests); see docs/gateway.md. */
export const PROJECT_ROLES = [...OFFICIAL_PROJECT_ROLES, 'viewer'] as const;

export const ProjectUser = named('ProjectUser', Type.Object({
  object: Const('organization.project.user'),
  id: Type.String(),
  name: NullableString(),
  email: NullableString(),
  role: Type.String(),
  added_at: Type.Integer(),
}));
export type ProjectUser = Static<typeof ProjectUser>;

export const ProjectUserList = named('ProjectUserListResponse', CursorList(ProjectUser));
export const ProjectUserDeleted = named('ProjectUserDeleteResponse', Deleted('organization.project.user.deleted'));

export const ProjectUserParams = Type.Object({ ...ProjectIdParams.properties, user_id: IdParam('The ID of the user.') });

export const ListProjectUsersQuery = Type.Object({ limit: Limit(), after: Type.Optional(After()) });

export const CreateProjectUserBody = named('ProjectUserCreateRequest', Type.Object(
  {
    user_id: Type.Optional(NullableString({ minLength: 1, maxLength: 256, description: 'The ID of the organization user to add.' })),
    email: Type.Optional(NullableString({ minLength: 1, maxLength: 320, description: 'Email of the organization user to add (instead of user_id).' })),
    role: StringEnum(PROJECT_ROLES, { description: '`owner` or `member` (or `viewer`, an orgplane extension: read-only).' }),
  },
  { additionalProperties: false },
));
export type CreateProjectUserBody = Static<typeof CreateProjectUserBody>;

export const ModifyProjectUserBody = named('ProjectUserUpdateRequest', Type.Object(
  { role: Type.Optional(Type.Unsafe<(typeof PROJECT_ROLES)[number] | null>({ type: ['string', 'null'], enum: [...PROJECT_ROLES, null] })) },
  { additionalProperties: false },
));
export type ModifyProjectUserBody = Static<typeof ModifyProjectUserBody>;
