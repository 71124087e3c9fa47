import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { GroupRoleAssignment } from '../../../organization/groups/roles/schemas.js';
import { AssignedRole, AssignedRoleList, AssignRoleBody, ListAssignmentsQuery, RoleAssignmentDeleted } from '../../../organization/roles/schemas.js';
import { ProjectGroupIdParams, ProjectGroupRoleParams } from './schemas.js';

const tags = ['Project group role assignments'];

export default function projectGroupRolesRoutes(app: App, services: AdminServices): void {
  const service = services.groupRoles;

  app.get('/projects/:project_id/groups/:group_id/roles', {
    schema: { operationId: 'list-project-group-role-assignments', tags, params: ProjectGroupIdParams, querystring: ListAssignmentsQuery, response: { 200: AssignedRoleList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.params.group_id, req.query));

  app.post('/projects/:project_id/groups/:group_id/roles', {
    schema: { operationId: 'assign-project-group-role', tags, params: ProjectGroupIdParams, body: AssignRoleBody, response: { 200: GroupRoleAssignment, ...errorResponses } },
  }, (req) => service.assign(principalOf(req), req.params.project_id, req.params.group_id, req.body.role_id));

  app.get('/projects/:project_id/groups/:group_id/roles/:role_id', {
    schema: { operationId: 'retrieve-project-group-role', tags, params: ProjectGroupRoleParams, response: { 200: AssignedRole, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.group_id, req.params.role_id));

  app.delete('/projects/:project_id/groups/:group_id/roles/:role_id', {
    schema: { operationId: 'unassign-project-group-role', tags, params: ProjectGroupRoleParams, response: { 200: RoleAssignmentDeleted, ...errorResponses } },
  }, (req) => service.unassign(principalOf(req), req.params.project_id, req.params.group_id, req.params.role_id));
}
