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
    schema: {
      operationId: 'list-group-users',
      summary: 'List a group\'s members',
      description: 'Returns the users in the group, newest first by default, a page at a time with the `next` cursor.',
      tags, params: GroupIdParams, querystring: ListGroupUsersQuery, response: { 200: GroupUserList, ...errorResponses },
    },
  }, (req) => service.list(req.params.group_id, req.query));

  app.post('/organization/groups/:group_id/users', {
    schema: {
      operationId: 'add-group-user',
      summary: 'Add a user to a group',
      description:
        'Adds an organization member to the group; they gain the group\'s roles at once. ' +
        'The change and its audit event (`group.updated`) commit in one transaction.',
      tags, params: GroupIdParams, body: AddGroupUserBody, response: { 200: GroupUserAdded, ...errorResponses },
    },
  }, (req) => service.add(principalOf(req), req.params.group_id, req.body.user_id));

  app.get('/organization/groups/:group_id/users/:user_id', {
    schema: {
      operationId: 'retrieve-group-user',
      summary: 'Get a group member',
      description: 'Returns one member of the group.',
      tags, params: GroupUserParams, response: { 200: GroupMemberUser, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.group_id, req.params.user_id));

  app.delete('/organization/groups/:group_id/users/:user_id', {
    schema: {
      operationId: 'remove-group-user',
      summary: 'Remove a user from a group',
      description:
        'Takes the user out of the group, and with it the roles the group gave them. ' +
        'The change and its audit event (`group.updated`) commit in one transaction.',
      tags, params: GroupUserParams, response: { 200: GroupUserRemoved, ...errorResponses },
    },
  }, (req) => service.remove(principalOf(req), req.params.group_id, req.params.user_id));
}
