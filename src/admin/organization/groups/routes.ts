import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { Group, GroupBody, GroupDeleted, GroupIdParams, GroupList, ListGroupsQuery, UpdatedGroup } from './schemas.js';

const tags = ['Groups'];

export default function groupsRoutes(app: App, services: AdminServices): void {
  const service = services.groups;

  app.get('/organization/groups', {
    schema: {
      operationId: 'list-groups',
      summary: 'List groups',
      description: 'Returns the organization\'s groups, a page at a time with the `next` cursor.',
      tags, querystring: ListGroupsQuery, response: { 200: GroupList, ...errorResponses },
    },
  }, (req) => service.list(req.query));

  app.post('/organization/groups', {
    schema: {
      operationId: 'create-group',
      summary: 'Create a group',
      description:
        'Creates a group of users, which can then hold organization and project roles. ' +
        'The change and its audit event (`group.created`) commit in one transaction.',
      tags, body: GroupBody, response: { 200: Group, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.body));

  app.get('/organization/groups/:group_id', {
    schema: {
      operationId: 'retrieve-group',
      summary: 'Get a group',
      description: 'Returns one group.',
      tags, params: GroupIdParams, response: { 200: Group, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.group_id));

  app.post('/organization/groups/:group_id', {
    schema: {
      operationId: 'update-group',
      summary: 'Rename a group',
      description:
        'Changes a group\'s name. ' +
        'The change and its audit event (`group.updated`) commit in one transaction.',
      tags, params: GroupIdParams, body: GroupBody, response: { 200: UpdatedGroup, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.group_id, req.body));

  app.delete('/organization/groups/:group_id', {
    schema: {
      operationId: 'delete-group',
      summary: 'Delete a group',
      description:
        'Deletes a group; its members no longer hold the roles it gave them. ' +
        'The change and its audit event (`group.deleted`) commit in one transaction.',
      tags, params: GroupIdParams, response: { 200: GroupDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.group_id));
}
