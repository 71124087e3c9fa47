import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import { CreateProjectUserBody, ListProjectUsersQuery, ModifyProjectUserBody, ProjectUser, ProjectUserDeleted, ProjectUserList, ProjectUserParams } from './schemas.js';

const tags = ['Project users'];

export default function projectUsersRoutes(app: App, services: AdminServices): void {
  const service = services.projectUsers;

  app.get('/organization/projects/:project_id/users', {
    schema: {
      operationId: 'list-project-users',
      summary: 'List a project\'s members',
      description: 'Returns the users who belong to the project, in the order they joined the organization, a page at a time.',
      tags, params: ProjectIdParams, querystring: ListProjectUsersQuery, response: { 200: ProjectUserList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/users', {
    schema: {
      operationId: 'create-project-user',
      summary: 'Add a user to a project',
      description:
        'Adds an organization member, given by `user_id` or `email` (exactly one), with the role `owner`, `member` or `viewer` (an orgplane extension: read-only, no model requests). ' +
        'The change and its audit event (`user.added`) commit in one transaction.',
      tags, params: ProjectIdParams, body: CreateProjectUserBody, response: { 200: ProjectUser, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/users/:user_id', {
    schema: {
      operationId: 'retrieve-project-user',
      summary: 'Get a project member',
      description: 'Returns one user\'s membership of the project, with their project role.',
      tags, params: ProjectUserParams, response: { 200: ProjectUser, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.user_id));

  app.post('/organization/projects/:project_id/users/:user_id', {
    schema: {
      operationId: 'modify-project-user',
      summary: 'Change a member\'s project role',
      description:
        'Sets the user\'s role in the project (`owner`, `member`, or the `viewer` extension). ' +
        'The change and its audit event (`user.updated`) commit in one transaction.',
      tags, params: ProjectUserParams, body: ModifyProjectUserBody, response: { 200: ProjectUser, ...errorResponses },
    },
  }, (req) => service.modify(principalOf(req), req.params.project_id, req.params.user_id, req.body));

  app.delete('/organization/projects/:project_id/users/:user_id', {
    schema: {
      operationId: 'delete-project-user',
      summary: 'Remove a user from a project',
      description:
        'Ends the user\'s membership and deletes the project API keys they own in the project, so those keys stop working at once. ' +
        'The change and its audit event (`user.deleted`) commit in one transaction.',
      tags, params: ProjectUserParams, response: { 200: ProjectUserDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.user_id));
}
