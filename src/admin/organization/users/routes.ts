import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { ListUsersQuery, ModifyUserBody, User, UserDeleted, UserIdParams, UserList } from './schemas.js';

const tags = ['Users'];

export default function usersRoutes(app: App, services: AdminServices): void {
  const service = services.users;

  app.get('/organization/users', {
    schema: {
      operationId: 'list-users',
      summary: 'List users',
      description: 'Returns the organization\'s members in the order they joined, optionally only those with the given `emails` (compared case-insensitively).',
      tags, querystring: ListUsersQuery, response: { 200: UserList, ...errorResponses },
    },
  }, (req) => service.list(req.query, req.query.emails));

  app.get('/organization/users/:user_id', {
    schema: {
      operationId: 'retrieve-user',
      summary: 'Get a user',
      description: 'Returns one member of the organization with their organization role.',
      tags, params: UserIdParams, response: { 200: User, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.user_id));

  app.post('/organization/users/:user_id', {
    schema: {
      operationId: 'modify-user',
      summary: 'Update a user',
      description:
        'Changes a member\'s organization role (`role` or the predefined `role_id`) and the profile fields orgplane stores. ' +
        'The last owner cannot be demoted (400 `last_owner`). ' +
        'The change and its audit event (`user.updated`) commit in one transaction.',
      tags, params: UserIdParams, body: ModifyUserBody, response: { 200: User, ...errorResponses },
    },
  }, (req) => service.modify(principalOf(req), req.params.user_id, req.body));

  app.delete('/organization/users/:user_id', {
    schema: {
      operationId: 'delete-user',
      summary: 'Remove a user',
      description:
        'Removes the user from the organization, its projects and groups, deletes their role assignments and revokes every key they own. ' +
        'The last owner cannot be removed. ' +
        'The change and its audit event (`user.deleted`) commit in one transaction.',
      tags, params: UserIdParams, response: { 200: UserDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.user_id));
}
