import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { CreateProjectBody, ListProjectsQuery, Project, ProjectIdParams, ProjectList, UpdateProjectBody } from './schemas.js';

const tags = ['Projects'];

export default function projectsRoutes(app: App, services: AdminServices): void {
  const service = services.projects;

  app.get('/organization/projects', {
    schema: {
      operationId: 'list-projects',
      summary: 'List projects',
      description:
        'Returns the organization\'s projects in creation order, a page at a time (`after`, `limit`). ' +
        'Archived projects are left out unless `include_archived=true`.',
      tags, querystring: ListProjectsQuery, response: { 200: ProjectList, ...errorResponses },
    },
  }, (req) => service.list(req.query, req.query.include_archived));

  app.post('/organization/projects', {
    schema: {
      operationId: 'create-project',
      summary: 'Create a project',
      description:
        'Creates an active project with the given name (and optional residency, which orgplane stores and returns). ' +
        'The change and its audit event (`project.created`) commit in one transaction.',
      tags, body: CreateProjectBody, response: { 200: Project, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.body));

  app.get('/organization/projects/:project_id', {
    schema: {
      operationId: 'retrieve-project',
      summary: 'Get a project',
      description: 'Returns one project, active or archived.',
      tags, params: ProjectIdParams, response: { 200: Project, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id', {
    schema: {
      operationId: 'modify-project',
      summary: 'Rename a project',
      description:
        'Changes a project\'s name or external key ID. ' +
        'The Default project and archived projects cannot be changed (400 `default_project`, `project_archived`); a change to the current values answers 200 and writes no event. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, body: UpdateProjectBody, response: { 200: Project, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));

  app.post('/organization/projects/:project_id/archive', {
    schema: {
      operationId: 'archive-project',
      summary: 'Archive a project',
      description:
        'Makes a project read-only: its keys are no longer accepted and its members, service accounts, keys and policies can no longer be changed. ' +
        'Archiving again answers 200 without a new event; the Default project cannot be archived. ' +
        'The change and its audit event (`project.archived`) commit in one transaction.',
      tags, params: ProjectIdParams, response: { 200: Project, ...errorResponses },
    },
  }, (req) => service.archive(principalOf(req), req.params.project_id));
}
