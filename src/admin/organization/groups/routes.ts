import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { Group, GroupBody, GroupDeleted, GroupIdParams, GroupList, ListGroupsQuery, UpdatedGroup } from './schemas.js';

const tags = ['Groups'];

export default function groupsRoutes(app: App, services: AdminServices): void {
  const service = services.groups;

  app.get('/organization/groups', {
    schema: { operationId: 'list-groups', tags, querystring: ListGroupsQuery, response: { 200: GroupList, ...errorResponses } },
  }, (req) => service.list(req.query));

  app.post('/organization/groups', {
    schema: { operationId: 'create-group', tags, body: GroupBody, response: { 200: Group, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.body));

  app.get('/organization/groups/:group_id', {
    schema: { operationId: 'retrieve-group', tags, params: GroupIdParams, response: { 200: Group, ...errorResponses } },
  }, (req) => service.retrieve(req.params.group_id));

  app.post('/organization/groups/:group_id', {
    schema: { operationId: 'update-group', tags, params: GroupIdParams, body: GroupBody, response: { 200: UpdatedGroup, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.group_id, req.body));

  app.delete('/organization/groups/:group_id', {
    schema: { operationId: 'delete-group', tags, params: GroupIdParams, response: { 200: GroupDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.group_id));
}
