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
    schema: { operationId: 'list-project-roles', tags, params: ProjectIdParams, querystring: ListRolesQuery, response: { 200: RoleList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/projects/:project_id/roles', {
    schema: { operationId: 'create-project-role', tags, params: ProjectIdParams, body: CreateRoleBody, response: { 200: Role, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/projects/:project_id/roles/:role_id', {
    schema: { operationId: 'retrieve-project-role', tags, params: ProjectRoleParams, response: { 200: Role, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.role_id));

  app.post('/projects/:project_id/roles/:role_id', {
    schema: { operationId: 'update-project-role', tags, params: ProjectRoleParams, body: UpdateRoleBody, response: { 200: Role, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.role_id, req.body));

  app.delete('/projects/:project_id/roles/:role_id', {
    schema: { operationId: 'delete-project-role', tags, params: ProjectRoleParams, response: { 200: RoleDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.role_id));
}
