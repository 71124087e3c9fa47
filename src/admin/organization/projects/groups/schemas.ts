import { Type, type Static } from 'typebox';
import { Const, IdParam, named, NextList, NextListQuery, StringEnum } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';

export const ProjectGroup = named('ProjectGroup', Type.Object({
  object: Const('project.group'),
  project_id: Type.String(),
  group_id: Type.String(),
  group_name: Type.String(),
  group_type: Const('group'),
  created_at: Type.Integer(),
}));
export type ProjectGroup = Static<typeof ProjectGroup>;

export const ProjectGroupList = named('ProjectGroupListResource', NextList(ProjectGroup));
export const ProjectGroupRemoved = named('ProjectGroupDeletedResource', Type.Object({ object: Const('project.group.deleted'), deleted: Type.Boolean() }));

export const ProjectGroupParams = Type.Object({ ...ProjectIdParams.properties, group_id: IdParam('The ID of the group.') });
export const ListProjectGroupsQuery = NextListQuery({ limit: 20, maximum: 100, order: 'asc' });
export const RetrieveProjectGroupQuery = Type.Object({ group_type: StringEnum(['group', 'tenant_group'] as const, { default: 'group' }) });

export const AddProjectGroupBody = named('InviteProjectGroupBody', Type.Object(
  {
    group_id: Type.String({ minLength: 1, maxLength: 256, description: 'The ID of the group to give access to the project.' }),
    role: Type.String({ minLength: 1, maxLength: 256, description: 'The ID of the project role the group gets.' }),
  },
  { additionalProperties: false },
));
export type AddProjectGroupBody = Static<typeof AddProjectGroupBody>;
