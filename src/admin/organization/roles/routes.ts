import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { CreateRoleBody, ListRolesQuery, Role, RoleDeleted, RoleIdParams, RoleList, UpdateRoleBody } from './schemas.js';

const tags = ['Roles'];

export default function rolesRoutes(app: App, services: AdminServices): void {
  const service = services.roles;

  app.get('/organization/roles', {
    schema: {
      operationId: 'list-roles',
      summary: 'List organization roles',
      description: 'Returns the predefined and custom organization roles with their permissions.',
      tags, querystring: ListRolesQuery, response: { 200: RoleList, ...errorResponses },
    },
  }, (req) => service.list(undefined, req.query));

  app.post('/organization/roles', {
    schema: {
      operationId: 'create-role',
      summary: 'Create an organization role',
      description:
        'Creates a custom role from permissions of orgplane\'s permission catalog. ' +
        'The change and its audit event (`role.created`) commit in one transaction.',
      tags, body: CreateRoleBody, response: { 200: Role, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), undefined, req.body));

  app.get('/organization/roles/:role_id', {
    schema: {
      operationId: 'retrieve-role',
      summary: 'Get an organization role',
      description: 'Returns one organization role with its permissions.',
      tags, params: RoleIdParams, response: { 200: Role, ...errorResponses },
    },
  }, (req) => service.retrieve(undefined, req.params.role_id));

  app.post('/organization/roles/:role_id', {
    schema: {
      operationId: 'update-role',
      summary: 'Update an organization role',
      description:
        'Changes a custom role\'s name, permissions or description; predefined roles cannot be changed. ' +
        'The change and its audit event (`role.updated`) commit in one transaction.',
      tags, params: RoleIdParams, body: UpdateRoleBody, response: { 200: Role, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), undefined, req.params.role_id, req.body));

  app.delete('/organization/roles/:role_id', {
    schema: {
      operationId: 'delete-role',
      summary: 'Delete an organization role',
      description:
        'Deletes a custom role that no one holds any more (409 `role_in_use` until it is unassigned); predefined roles cannot be deleted. ' +
        'The change and its audit event (`role.deleted`) commit in one transaction.',
      tags, params: RoleIdParams, response: { 200: RoleDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), undefined, req.params.role_id));
}
