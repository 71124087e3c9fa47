import { Type, type Static } from 'typebox';
import { Const, IdParam, named, NextList, NextListQuery, NullableString } from '../../../../platform/schemas.js';
import { GroupIdParams } from '../schemas.js';

export const GroupUser = named('GroupUser', Type.Object({ id: Type.String(), name: Type.String(), email: NullableString() }));
export const GroupUserList = named('UserListResource', NextList(GroupUser));

export const GroupMemberUser = named('GroupMemberUser', Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: NullableString(),
  picture: NullableString(),
  is_service_account: Type.Boolean(),
  user_type: Const('user'),
}));
export type GroupMemberUser = Static<typeof GroupMemberUser>;

export const GroupUserAdded = named('GroupUserAssignment', Type.Object({ object: Const('group.user'), user_id: Type.String(), group_id: Type.String() }));
export const GroupUserRemoved = named('GroupUserDeletedResource', Type.Object({ object: Const('group.user.deleted'), deleted: Type.Boolean() }));

export const GroupUserParams = Type.Object({ ...GroupIdParams.properties, user_id: IdParam('The ID of the user.') });
export const ListGroupUsersQuery = NextListQuery({ limit: 100, maximum: 1000, order: 'desc' });

export const AddGroupUserBody = named('CreateGroupUserBody', Type.Object(
  { user_id: Type.String({ minLength: 1, maxLength: 256, description: 'The ID of the organization user to add.' }) },
  { additionalProperties: false },
));
export type AddGroupUserBody = Static<typeof AddGroupUserBody>;
