import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import { CreateProjectApiKeyBody, ListProjectApiKeysQuery, ProjectApiKey, ProjectApiKeyCreated, ProjectApiKeyDeleted, ProjectApiKeyList, ProjectApiKeyParams } from './schemas.js';

const tags = ['Projects'];

export default function projectApiKeysRoutes(app: App, services: AdminServices): void {
  const service = services.projectApiKeys;

  app.get('/organization/projects/:project_id/api_keys', {
    schema: { operationId: 'list-project-api-keys', tags, params: ProjectIdParams, querystring: ListProjectApiKeysQuery, response: { 200: ProjectApiKeyList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.query, req.query.owner_project_access));

  app.post('/organization/projects/:project_id/api_keys', {
    schema: {
      operationId: 'create-project-api-key',
      tags: ['Extensions'],
      summary: 'Creates an API key owned by a member of the project.',
      description:
        'orgplane extension: OpenAI creates user-owned project API keys only in its dashboard, so this endpoint provides it. ' +
        'The user must be a member of the project. The response is the project API key object plus its secret `value` (sk-proj-...), shown only once.',
      params: ProjectIdParams,
      body: CreateProjectApiKeyBody,
      response: { 200: ProjectApiKeyCreated, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/api_keys/:api_key_id', {
    schema: { operationId: 'retrieve-project-api-key', tags, params: ProjectApiKeyParams, response: { 200: ProjectApiKey, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.api_key_id));

  app.delete('/organization/projects/:project_id/api_keys/:api_key_id', {
    schema: { operationId: 'delete-project-api-key', tags, params: ProjectApiKeyParams, response: { 200: ProjectApiKeyDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.api_key_id));
}
