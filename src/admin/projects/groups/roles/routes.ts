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
    schema: {
      operationId: 'list-project-group-role-assignments',
      summary: 'List a group\'s project roles',
      description: 'Returns the roles the group holds in the project.',
      tags, params: ProjectGroupIdParams, querystring: ListAssignmentsQuery, response: { 200: AssignedRoleList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.params.group_id, req.query));

  app.post('/projects/:project_id/groups/:group_id/roles', {
    schema: {
      operationId: 'assign-project-group-role',
      summary: 'Assign a project role to a group',
      description:
        'Gives the group\'s members the role\'s permissions in the project. ' +
        'The change and its audit event (`role.assignment.created`) commit in one transaction.',
      tags, params: ProjectGroupIdParams, body: AssignRoleBody, response: { 200: GroupRoleAssignment, ...errorResponses },
    },
  }, (req) => service.assign(principalOf(req), req.params.project_id, req.params.group_id, req.body.role_id));

  app.get('/projects/:project_id/groups/:group_id/roles/:role_id', {
    schema: {
      operationId: 'retrieve-project-group-role',
      summary: 'Get a group\'s project role',
      description: 'Returns one role the group holds in the project.',
      tags, params: ProjectGroupRoleParams, response: { 200: AssignedRole, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.group_id, req.params.role_id));

  app.delete('/projects/:project_id/groups/:group_id/roles/:role_id', {
    schema: {
      operationId: 'unassign-project-group-role',
      summary: 'Unassign a project role from a group',
      description:
        'Withdraws a project role from the group and so from its members. ' +
        'The change and its audit event (`role.assignment.deleted`) commit in one transaction.',
      tags, params: ProjectGroupRoleParams, response: { 200: RoleAssignmentDeleted, ...errorResponses },
    },
  }, (req) => service.unassign(principalOf(req), req.params.project_id, req.params.group_id, req.params.role_id));
}
