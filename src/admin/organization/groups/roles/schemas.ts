import { Type } from 'typebox';
import { Const, IdParam, named } from '../../../../platform/schemas.js';
import { Role } from '../../roles/schemas.js';
import { GroupIdParams, GroupSummary } from '../schemas.js';

export const GroupRoleAssignment = named('GroupRoleAssignment', Type.Object({ object: Const('group.role'), group: GroupSummary, role: Role }));

export const GroupRoleParams = Type.Object({ ...GroupIdParams.properties, role_id: IdParam('The ID of the role.') });
