import { Type } from 'typebox';
import { IdParam } from '../../../../platform/schemas.js';
import { GroupIdParams } from '../../../organization/groups/schemas.js';
import { ProjectIdParams } from '../../../organization/projects/schemas.js';

export const ProjectGroupIdParams = Type.Object({ ...ProjectIdParams.properties, ...GroupIdParams.properties });
export const ProjectGroupRoleParams = Type.Object({ ...ProjectGroupIdParams.properties, role_id: IdParam('The ID of the role.') });
