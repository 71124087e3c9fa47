import { Type, type Static } from 'typebox';
import { Const, IdParam, named, NextList, NextListQuery } from '../../../platform/schemas.js';

const GroupFields = {
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  is_scim_managed: Type.Boolean(),
};

export const Group = named('Group', Type.Object({ ...GroupFields, group_type: Const('group') }));
export type Group = Static<typeof Group>;

/** The group as `update-group` returns it. */
export const UpdatedGroup = named('GroupResourceWithSuccess', Type.Object(GroupFields));

/** The group summary inside role assignments. */
export const GroupSummary = Type.Object({
  object: Const('group'),
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  scim_managed: Type.Boolean(),
});
export type GroupSummary = Static<typeof GroupSummary>;

export const GroupList = named('GroupListResource', NextList(Group));
export const GroupDeleted = named('GroupDeletedResource', Type.Object({ object: Const('group.deleted'), id: Type.String(), deleted: Type.Boolean() }));

export const GroupIdParams = Type.Object({ group_id: IdParam('The ID of the group.') });
export const ListGroupsQuery = NextListQuery({ limit: 100, maximum: 1000, order: 'asc' });

export const GroupBody = named('CreateGroupBody', Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 255, description: 'Display name of the group.' }) },
  { additionalProperties: false },
));
export type GroupBody = Static<typeof GroupBody>;
