import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import {
  AddProjectGroupBody, ListProjectGroupsQuery, ProjectGroup, ProjectGroupList, ProjectGroupParams, ProjectGroupRemoved, RetrieveProjectGroupQuery,
} from './schemas.js';

const tags = ['Project groups'];

export default function projectGroupsRoutes(app: App, services: AdminServices): void {
  const service = services.projectGroups;

  app.get('/organization/projects/:project_id/groups', {
    schema: {
      operationId: 'list-project-groups',
      summary: 'List a project\'s groups',
      description: 'Returns the groups that have access to the project, a page at a time with the `next` cursor.',
      tags, params: ProjectIdParams, querystring: ListProjectGroupsQuery, response: { 200: ProjectGroupList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/groups', {
    schema: {
      operationId: 'add-project-group',
      summary: 'Give a group access to a project',
      description:
        'Adds the group to the project with a project role, which its members then hold. ' +
        'The change and its audit event (`role.assignment.created`) commit in one transaction.',
      tags, params: ProjectIdParams, body: AddProjectGroupBody, response: { 200: ProjectGroup, ...errorResponses },
    },
  }, (req) => service.add(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/groups/:group_id', {
    schema: {
      operationId: 'retrieve-project-group',
      summary: 'Get a project group',
      description: 'Returns one group\'s access to the project.',
      tags, params: ProjectGroupParams, querystring: RetrieveProjectGroupQuery, response: { 200: ProjectGroup, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.group_id, req.query.group_type));

  app.delete('/organization/projects/:project_id/groups/:group_id', {
    schema: {
      operationId: 'remove-project-group',
      summary: 'Remove a group from a project',
      description:
        'Ends the group\'s access to the project, removing each project role it held (one `role.assignment.deleted` event per role, in the same transaction).',
      tags, params: ProjectGroupParams, response: { 200: ProjectGroupRemoved, ...errorResponses },
    },
  }, (req) => service.remove(principalOf(req), req.params.project_id, req.params.group_id));
}
