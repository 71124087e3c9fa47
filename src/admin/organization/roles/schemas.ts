import { Type, type Static } from 'typebox';
import { Const, IdParam, named, NextList, NextListQuery, NullableInteger, NullableString, StringEnum } from '../../../platform/schemas.js';

export const Role = named('Role', Type.Object({
  object: Const('role'),
  id: Type.String(),
  name: Type.String(),
  description: NullableString(),
  permissions: Type.Array(Type.String()),
  resource_type: StringEnum(['api.organization', 'api.project'] as const),
  predefined_role: Type.Boolean(),
}));
export type Role = Static<typeof Role>;

export const RoleList = named('PublicRoleListResource', NextList(Role));
export const RoleDeleted = named('RoleDeletedResource', Type.Object({ object: Const('role.deleted'), id: Type.String(), deleted: Type.Boolean() }));

const AssignmentSource = Type.Object({ principal_id: Type.String(), principal_type: StringEnum(['user', 'group'] as const) });

/** A role as held by a user or group, with where the assignment comes from. */
export const AssignedRole = named('AssignedRoleDetails', Type.Object({
  id: Type.String(),
  name: Type.String(),
  permissions: Type.Array(Type.String()),
  resource_type: Type.String(),
  predefined_role: Type.Boolean(),
  description: NullableString(),
  created_at: NullableInteger(),
  updated_at: NullableInteger(),
  created_by: NullableString(),
  created_by_user_obj: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }), Type.Null()]),
  metadata: Type.Object({}),
  assignment_sources: Type.Union([Type.Array(AssignmentSource), Type.Null()]),
}));
export type AssignedRole = Static<typeof AssignedRole>;

export const AssignedRoleList = named('RoleListResource', NextList(AssignedRole));

/** `{object: "user.role.deleted" | "group.role.deleted", deleted}`. */
export const RoleAssignmentDeleted = named('DeletedRoleAssignmentResource', Type.Object({ object: Type.String(), deleted: Type.Boolean() }));

export const RoleIdParams = Type.Object({ role_id: IdParam('The ID of the role.') });

export const ListRolesQuery = NextListQuery({ limit: 1000, maximum: 1000, order: 'asc' });
export const ListAssignmentsQuery = NextListQuery({ limit: 100, maximum: 1000, order: 'asc' });

const RoleName = { minLength: 1, maxLength: 255, description: 'Unique name for the role in its organization or project.' };
const Permissions = { items: { type: 'string', minLength: 1, maxLength: 128 }, minItems: 1, maxItems: 200, description: 'Permissions from the permission catalog.' };
const Description = { maxLength: 1024, description: 'Description of the role; an empty string clears it.' };

export const CreateRoleBody = named('PublicCreateOrganizationRoleBody', Type.Object(
  {
    role_name: Type.String(RoleName),
    permissions: Type.Unsafe<string[]>({ type: 'array', ...Permissions }),
    description: Type.Optional(NullableString(Description)),
  },
  { additionalProperties: false },
));
export type CreateRoleBody = Static<typeof CreateRoleBody>;

/** Fields left out or null stay unchanged. */
export const UpdateRoleBody = named('PublicUpdateOrganizationRoleBody', Type.Object(
  {
    role_name: Type.Optional(NullableString(RoleName)),
    permissions: Type.Optional(Type.Unsafe<string[] | null>({ type: ['array', 'null'], ...Permissions })),
    description: Type.Optional(NullableString(Description)),
  },
  { additionalProperties: false },
));
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const AssignRoleBody = named('PublicAssignOrganizationGroupRoleBody', Type.Object(
  { role_id: Type.String({ minLength: 1, maxLength: 256, description: 'The ID of the role to assign.' }) },
  { additionalProperties: false },
));
export type AssignRoleBody = Static<typeof AssignRoleBody>;
