import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { ListUsersQuery, ModifyUserBody, User, UserDeleted, UserIdParams, UserList } from './schemas.js';

const tags = ['Users'];

export default function usersRoutes(app: App, services: AdminServices): void {
  const service = services.users;

  app.get('/organization/users', {
    schema: { operationId: 'list-users', tags, querystring: ListUsersQuery, response: { 200: UserList, ...errorResponses } },
  }, (req) => service.list(req.query, req.query.emails));

  app.get('/organization/users/:user_id', {
    schema: { operationId: 'retrieve-user', tags, params: UserIdParams, response: { 200: User, ...errorResponses } },
  }, (req) => service.retrieve(req.params.user_id));

  app.post('/organization/users/:user_id', {
    schema: { operationId: 'modify-user', tags, params: UserIdParams, body: ModifyUserBody, response: { 200: User, ...errorResponses } },
  }, (req) => service.modify(principalOf(req), req.params.user_id, req.body));

  app.delete('/organization/users/:user_id', {
    schema: { operationId: 'delete-user', tags, params: UserIdParams, response: { 200: UserDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.user_id));
}
