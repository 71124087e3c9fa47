import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { GroupIdParams } from '../schemas.js';
import { AddGroupUserBody, GroupMemberUser, GroupUserAdded, GroupUserList, GroupUserParams, GroupUserRemoved, ListGroupUsersQuery } from './schemas.js';

const tags = ['Group users'];

export default function groupUsersRoutes(app: App, services: AdminServices): void {
  const service = services.groupUsers;

  app.get('/organization/groups/:group_id/users', {
    schema: { operationId: 'list-group-users', tags, params: GroupIdParams, querystring: ListGroupUsersQuery, response: { 200: GroupUserList, ...errorResponses } },
  }, (req) => service.list(req.params.group_id, req.query));

  app.post('/organization/groups/:group_id/users', {
    schema: { operationId: 'add-group-user', tags, params: GroupIdParams, body: AddGroupUserBody, response: { 200: GroupUserAdded, ...errorResponses } },
  }, (req) => service.add(principalOf(req), req.params.group_id, req.body.user_id));

  app.get('/organization/groups/:group_id/users/:user_id', {
    schema: { operationId: 'retrieve-group-user', tags, params: GroupUserParams, response: { 200: GroupMemberUser, ...errorResponses } },
  }, (req) => service.retrieve(req.params.group_id, req.params.user_id));

  app.delete('/organization/groups/:group_id/users/:user_id', {
    schema: { operationId: 'remove-group-user', tags, params: GroupUserParams, response: { 200: GroupUserRemoved, ...errorResponses } },
  }, (req) => service.remove(principalOf(req), req.params.group_id, req.params.user_id));
}
