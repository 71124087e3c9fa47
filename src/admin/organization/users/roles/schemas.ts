import { Type } from 'typebox';
import { Const, IdParam, named } from '../../../../platform/schemas.js';
import { Role } from '../../roles/schemas.js';
import { User, UserIdParams } from '../schemas.js';

export const UserRoleAssignment = named('UserRoleAssignment', Type.Object({ object: Const('user.role'), user: User, role: Role }));
export const UserRoleParams = Type.Object({ ...UserIdParams.properties, role_id: IdParam('The ID of the role.') });
