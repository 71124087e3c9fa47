import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { AssignedRole, AssignedRoleList, AssignRoleBody, ListAssignmentsQuery, RoleAssignmentDeleted } from '../../roles/schemas.js';
import { UserIdParams } from '../schemas.js';
import { UserRoleAssignment, UserRoleParams } from './schemas.js';

const tags = ['User organization role assignments'];

export default function userRolesRoutes(app: App, services: AdminServices): void {
  const service = services.userRoles;

  app.get('/organization/users/:user_id/roles', {
    schema: {
      operationId: 'list-user-role-assignments',
      summary: 'List a user\'s organization roles',
      description: 'Returns the organization roles the user holds, each with where the assignment comes from (the user or one of their groups).',
      tags, params: UserIdParams, querystring: ListAssignmentsQuery, response: { 200: AssignedRoleList, ...errorResponses },
    },
  }, (req) => service.list(undefined, req.params.user_id, req.query));

  app.post('/organization/users/:user_id/roles', {
    schema: {
      operationId: 'assign-user-role',
      summary: 'Assign an organization role to a user',
      description:
        'Gives the user the role\'s permissions in the organization. ' +
        'The change and its audit event (`role.assignment.created`) commit in one transaction.',
      tags, params: UserIdParams, body: AssignRoleBody, response: { 200: UserRoleAssignment, ...errorResponses },
    },
  }, (req) => service.assign(principalOf(req), undefined, req.params.user_id, req.body.role_id));

  app.get('/organization/users/:user_id/roles/:role_id', {
    schema: {
      operationId: 'retrieve-user-role',
      summary: 'Get a user\'s organization role',
      description: 'Returns one organization role the user holds.',
      tags, params: UserRoleParams, response: { 200: AssignedRole, ...errorResponses },
    },
  }, (req) => service.retrieve(undefined, req.params.user_id, req.params.role_id));

  app.delete('/organization/users/:user_id/roles/:role_id', {
    schema: {
      operationId: 'unassign-user-role',
      summary: 'Unassign an organization role from a user',
      description:
        'Withdraws a role assigned directly to the user. ' +
        'The change and its audit event (`role.assignment.deleted`) commit in one transaction.',
      tags, params: UserRoleParams, response: { 200: RoleAssignmentDeleted, ...errorResponses },
    },
  }, (req) => service.unassign(principalOf(req), undefined, req.params.user_id, req.params.role_id));
}
