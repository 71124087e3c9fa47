import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, named, NullableString, StringEnum } from '../../../platform/schemas.js';

export const ORG_ROLES = ['owner', 'reader'] as const;

export const User = named('User', Type.Object({
  object: Const('organization.user'),
  id: Type.String(),
  name: NullableString(),
  email: NullableString(),
  role: NullableString(),
  added_at: Type.Integer(),
  // Present once set through modify-user (stored and returned; nothing else depends on them).
  technical_level: Type.Optional(NullableString()),
  developer_persona: Type.Optional(NullableString()),
}));
export type User = Static<typeof User>;

export const UserList = named('UserListResponse', CursorList(User));
export const UserDeleted = named('UserDeleteResponse', Deleted('organization.user.deleted'));

export const UserIdParams = Type.Object({ user_id: IdParam('The ID of the user.') });

export const ListUsersQuery = Type.Object({
  limit: Limit(),
  after: Type.Optional(After()),
  emails: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { maxItems: 100, description: 'Only users with one of these email addresses (case-insensitive).' })),
});
export type ListUsersQuery = Static<typeof ListUsersQuery>;

/** The organization's predefined roles by ID: `role_id` is another way of giving `role`. */
export const ORG_ROLE_IDS = { role_org_owner: 'owner', role_org_reader: 'reader' } as const;

const Profile = (description: string) => Type.Optional(NullableString({ maxLength: 256, description }));

export const ModifyUserBody = named('UserRoleUpdateRequest', Type.Object(
  {
    role: Type.Optional(Type.Union([StringEnum(ORG_ROLES), Type.Null()], { description: '`owner` or `reader`.' })),
    role_id: Type.Optional(Type.Union([StringEnum(Object.keys(ORG_ROLE_IDS) as Array<keyof typeof ORG_ROLE_IDS>), Type.Null()], {
      description: 'The predefined organization role to give the user: `role_org_owner` or `role_org_reader` (custom roles are assigned with the user role assignment endpoints).',
    })),
    technical_level: Profile('Technical level metadata; stored and returned.'),
    developer_persona: Profile('Developer persona metadata; stored and returned.'),
  },
  { additionalProperties: false },
));
export type ModifyUserBody = Static<typeof ModifyUserBody>;
