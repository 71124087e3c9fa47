import { Type } from 'typebox';
import { IdParam } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../../../organization/projects/schemas.js';
import { UserIdParams } from '../../../organization/users/schemas.js';

export const ProjectUserIdParams = Type.Object({ ...ProjectIdParams.properties, ...UserIdParams.properties });
export const ProjectUserRoleParams = Type.Object({ ...ProjectUserIdParams.properties, role_id: IdParam('The ID of the role.') });
