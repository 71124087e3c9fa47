import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { ProjectIdParams } from '../../organization/projects/schemas.js';
import { CreateRoleBody, ListRolesQuery, Role, RoleDeleted, RoleList, UpdateRoleBody } from '../../organization/roles/schemas.js';
import { ProjectRoleParams } from './schemas.js';

const tags = ['Roles'];

/** Project roles: the predefined project roles plus the project's custom roles. */
export default function projectRolesRoutes(app: App, services: AdminServices): void {
  const service = services.roles;

  app.get('/projects/:project_id/roles', {
    schema: {
      operationId: 'list-project-roles',
      summary: 'List project roles',
      description: 'Returns the predefined and custom roles of the project with their permissions.',
      tags, params: ProjectIdParams, querystring: ListRolesQuery, response: { 200: RoleList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/projects/:project_id/roles', {
    schema: {
      operationId: 'create-project-role',
      summary: 'Create a project role',
      description:
        'Creates a custom role for the project from project permissions of orgplane\'s permission catalog. ' +
        'The change and its audit event (`role.created`) commit in one transaction.',
      tags, params: ProjectIdParams, body: CreateRoleBody, response: { 200: Role, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/projects/:project_id/roles/:role_id', {
    schema: {
      operationId: 'retrieve-project-role',
      summary: 'Get a project role',
      description: 'Returns one project role with its permissions.',
      tags, params: ProjectRoleParams, response: { 200: Role, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.role_id));

  app.post('/projects/:project_id/roles/:role_id', {
    schema: {
      operationId: 'update-project-role',
      summary: 'Update a project role',
      description:
        'Changes a custom project role\'s name, permissions or description; predefined roles cannot be changed. ' +
        'The change and its audit event (`role.updated`) commit in one transaction.',
      tags, params: ProjectRoleParams, body: UpdateRoleBody, response: { 200: Role, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.role_id, req.body));

  app.delete('/projects/:project_id/roles/:role_id', {
    schema: {
      operationId: 'delete-project-role',
      summary: 'Delete a project role',
      description:
        'Deletes a custom project role that no one holds any more (409 `role_in_use` until it is unassigned); predefined roles cannot be deleted. ' +
        'The change and its audit event (`role.deleted`) commit in one transaction.',
      tags, params: ProjectRoleParams, response: { 200: RoleDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.role_id));
}
