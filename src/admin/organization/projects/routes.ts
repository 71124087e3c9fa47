import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { CreateProjectBody, ListProjectsQuery, Project, ProjectIdParams, ProjectList, UpdateProjectBody } from './schemas.js';

const tags = ['Projects'];

export default function projectsRoutes(app: App, services: AdminServices): void {
  const service = services.projects;

  app.get('/organization/projects', {
    schema: { operationId: 'list-projects', tags, querystring: ListProjectsQuery, response: { 200: ProjectList, ...errorResponses } },
  }, (req) => service.list(req.query, req.query.include_archived));

  app.post('/organization/projects', {
    schema: { operationId: 'create-project', tags, body: CreateProjectBody, response: { 200: Project, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.body));

  app.get('/organization/projects/:project_id', {
    schema: { operationId: 'retrieve-project', tags, params: ProjectIdParams, response: { 200: Project, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id', {
    schema: { operationId: 'modify-project', tags, params: ProjectIdParams, body: UpdateProjectBody, response: { 200: Project, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));

  app.post('/organization/projects/:project_id/archive', {
    schema: { operationId: 'archive-project', tags, params: ProjectIdParams, response: { 200: Project, ...errorResponses } },
  }, (req) => service.archive(principalOf(req), req.params.project_id));
}
