import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { AssignedRole, AssignedRoleList, AssignRoleBody, ListAssignmentsQuery, RoleAssignmentDeleted } from '../../roles/schemas.js';
import { GroupIdParams } from '../schemas.js';
import { GroupRoleAssignment, GroupRoleParams } from './schemas.js';

const tags = ['Group organization role assignments'];

export default function groupRolesRoutes(app: App, services: AdminServices): void {
  const service = services.groupRoles;

  app.get('/organization/groups/:group_id/roles', {
    schema: {
      operationId: 'list-group-role-assignments',
      summary: 'List a group\'s organization roles',
      description: 'Returns the organization roles assigned to the group.',
      tags, params: GroupIdParams, querystring: ListAssignmentsQuery, response: { 200: AssignedRoleList, ...errorResponses },
    },
  }, (req) => service.list(undefined, req.params.group_id, req.query));

  app.post('/organization/groups/:group_id/roles', {
    schema: {
      operationId: 'assign-group-role',
      summary: 'Assign an organization role to a group',
      description:
        'Gives every member of the group the role\'s permissions in the organization. ' +
        'The change and its audit event (`role.assignment.created`) commit in one transaction.',
      tags, params: GroupIdParams, body: AssignRoleBody, response: { 200: GroupRoleAssignment, ...errorResponses },
    },
  }, (req) => service.assign(principalOf(req), undefined, req.params.group_id, req.body.role_id));

  app.get('/organization/groups/:group_id/roles/:role_id', {
    schema: {
      operationId: 'retrieve-group-role',
      summary: 'Get a group\'s organization role',
      description: 'Returns one organization role the group holds.',
      tags, params: GroupRoleParams, response: { 200: AssignedRole, ...errorResponses },
    },
  }, (req) => service.retrieve(undefined, req.params.group_id, req.params.role_id));

  app.delete('/organization/groups/:group_id/roles/:role_id', {
    schema: {
      operationId: 'unassign-group-role',
      summary: 'Unassign an organization role from a group',
      description:
        'Withdraws the role from the group and so from its members. ' +
        'The change and its audit event (`role.assignment.deleted`) commit in one transaction.',
      tags, params: GroupRoleParams, response: { 200: RoleAssignmentDeleted, ...errorResponses },
    },
  }, (req) => service.unassign(principalOf(req), undefined, req.params.group_id, req.params.role_id));
}
