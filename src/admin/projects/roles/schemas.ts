import { Type } from 'typebox';
import { IdParam } from '../../../platform/schemas.js';
import { ProjectIdParams } from '../../organization/projects/schemas.js';

export const ProjectRoleParams = Type.Object({ ...ProjectIdParams.properties, role_id: IdParam('The ID of the role.') });
