import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import { CreateProjectUserBody, ListProjectUsersQuery, ModifyProjectUserBody, ProjectUser, ProjectUserDeleted, ProjectUserList, ProjectUserParams } from './schemas.js';

const tags = ['Projects'];

export default function projectUsersRoutes(app: App, services: AdminServices): void {
  const service = services.projectUsers;

  app.get('/organization/projects/:project_id/users', {
    schema: { operationId: 'list-project-users', tags, params: ProjectIdParams, querystring: ListProjectUsersQuery, response: { 200: ProjectUserList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/users', {
    schema: { operationId: 'create-project-user', tags, params: ProjectIdParams, body: CreateProjectUserBody, response: { 200: ProjectUser, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/users/:user_id', {
    schema: { operationId: 'retrieve-project-user', tags, params: ProjectUserParams, response: { 200: ProjectUser, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.user_id));

  app.post('/organization/projects/:project_id/users/:user_id', {
    schema: { operationId: 'modify-project-user', tags, params: ProjectUserParams, body: ModifyProjectUserBody, response: { 200: ProjectUser, ...errorResponses } },
  }, (req) => service.modify(principalOf(req), req.params.project_id, req.params.user_id, req.body));

  app.delete('/organization/projects/:project_id/users/:user_id', {
    schema: { operationId: 'delete-project-user', tags, params: ProjectUserParams, response: { 200: ProjectUserDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.user_id));
}
