import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { AssignedRole, AssignedRoleList, AssignRoleBody, ListAssignmentsQuery, RoleAssignmentDeleted } from '../../../organization/roles/schemas.js';
import { UserRoleAssignment } from '../../../organization/users/roles/schemas.js';
import { ProjectUserIdParams, ProjectUserRoleParams } from './schemas.js';

const tags = ['Project user role assignments'];

export default function projectUserRolesRoutes(app: App, services: AdminServices): void {
  const service = services.userRoles;

  app.get('/projects/:project_id/users/:user_id/roles', {
    schema: {
      operationId: 'list-project-user-role-assignments',
      summary: 'List a user\'s project roles',
      description: 'Returns the roles the user holds in the project.',
      tags, params: ProjectUserIdParams, querystring: ListAssignmentsQuery, response: { 200: AssignedRoleList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.params.user_id, req.query));

  app.post('/projects/:project_id/users/:user_id/roles', {
    schema: {
      operationId: 'assign-project-user-role',
      summary: 'Assign a project role to a user',
      description:
        'Gives a project member the role\'s permissions in the project. ' +
        'The change and its audit event (`role.assignment.created`) commit in one transaction.',
      tags, params: ProjectUserIdParams, body: AssignRoleBody, response: { 200: UserRoleAssignment, ...errorResponses },
    },
  }, (req) => service.assign(principalOf(req), req.params.project_id, req.params.user_id, req.body.role_id));

  app.get('/projects/:project_id/users/:user_id/roles/:role_id', {
    schema: {
      operationId: 'retrieve-project-user-role',
      summary: 'Get a user\'s project role',
      description: 'Returns one role the user holds in the project.',
      tags, params: ProjectUserRoleParams, response: { 200: AssignedRole, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.user_id, req.params.role_id));

  app.delete('/projects/:project_id/users/:user_id/roles/:role_id', {
    schema: {
      operationId: 'unassign-project-user-role',
      summary: 'Unassign a project role from a user',
      description:
        'Withdraws a project role from the user. ' +
        'The change and its audit event (`role.assignment.deleted`) commit in one transaction.',
      tags, params: ProjectUserRoleParams, response: { 200: RoleAssignmentDeleted, ...errorResponses },
    },
  }, (req) => service.unassign(principalOf(req), req.params.project_id, req.params.user_id, req.params.role_id));
}
