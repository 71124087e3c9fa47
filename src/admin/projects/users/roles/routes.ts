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
    schema: { operationId: 'list-project-user-role-assignments', tags, params: ProjectUserIdParams, querystring: ListAssignmentsQuery, response: { 200: AssignedRoleList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.params.user_id, req.query));

  app.post('/projects/:project_id/users/:user_id/roles', {
    schema: { operationId: 'assign-project-user-role', tags, params: ProjectUserIdParams, body: AssignRoleBody, response: { 200: UserRoleAssignment, ...errorResponses } },
  }, (req) => service.assign(principalOf(req), req.params.project_id, req.params.user_id, req.body.role_id));

  app.get('/projects/:project_id/users/:user_id/roles/:role_id', {
    schema: { operationId: 'retrieve-project-user-role', tags, params: ProjectUserRoleParams, response: { 200: AssignedRole, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.user_id, req.params.role_id));

  app.delete('/projects/:project_id/users/:user_id/roles/:role_id', {
    schema: { operationId: 'unassign-project-user-role', tags, params: ProjectUserRoleParams, response: { 200: RoleAssignmentDeleted, ...errorResponses } },
  }, (req) => service.unassign(principalOf(req), req.params.project_id, req.params.user_id, req.params.role_id));
}
