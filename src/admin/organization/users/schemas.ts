import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, NullableString, StringEnum } from '../../../platform/schemas.js';

export const ORG_ROLES = ['owner', 'reader'] as const;

export const User = Type.Object({
  object: Const('organization.user'),
  id: Type.String(),
  name: NullableString(),
  email: NullableString(),
  role: NullableString(),
  added_at: Type.Integer(),
});
export type User = Static<typeof User>;

export const UserList = CursorList(User);
export const UserDeleted = Deleted('organization.user.deleted');

export const UserIdParams = Type.Object({ user_id: IdParam('The ID of the user.') });

export const ListUsersQuery = Type.Object({
  limit: Limit(),
  after: Type.Optional(After()),
  emails: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { maxItems: 100, description: 'Only users with one of these email addresses (case-insensitive).' })),
});
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const ModifyUserBody = Type.Object(
  { role: StringEnum(ORG_ROLES, { description: '`owner` or `reader`.' }) },
  { additionalProperties: false },
);
export type ModifyUserBody = Static<typeof ModifyUserBody>;
