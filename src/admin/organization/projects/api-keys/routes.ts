import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import { CreateProjectApiKeyBody, ListProjectApiKeysQuery, ProjectApiKey, ProjectApiKeyCreated, ProjectApiKeyDeleted, ProjectApiKeyList, ProjectApiKeyParams } from './schemas.js';

const tags = ['Project API keys'];

export default function projectApiKeysRoutes(app: App, services: AdminServices): void {
  const service = services.projectApiKeys;

  app.get('/organization/projects/:project_id/api_keys', {
    schema: {
      operationId: 'list-project-api-keys',
      summary: 'List a project\'s API keys',
      description:
        'Returns the project\'s API keys (user and service-account owned) with redacted values and `last_used_at`. ' +
        '`owner_project_access` chooses keys whose owner still has access (`active`, the default), no longer has it, or both.',
      tags, params: ProjectIdParams, querystring: ListProjectApiKeysQuery, response: { 200: ProjectApiKeyList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query, req.query.owner_project_access));

  app.post('/organization/projects/:project_id/api_keys', {
    schema: {
      operationId: 'create-project-api-key',
      summary: 'Create a user-owned project key',
      description:
        'orgplane extension (OpenAI issues user-owned project keys only in its dashboard): issues an `sk-proj-…` key owned by a member of the project. ' +
        'The secret `value` is returned only in this answer. ' +
        'The change and its audit event (`api_key.created`) commit in one transaction.',
      tags: [...tags, 'Extensions'],
      params: ProjectIdParams,
      body: CreateProjectApiKeyBody,
      response: { 200: ProjectApiKeyCreated, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/api_keys/:api_key_id', {
    schema: {
      operationId: 'retrieve-project-api-key',
      summary: 'Get a project API key',
      description: 'Returns one key of the project, its value redacted.',
      tags, params: ProjectApiKeyParams, response: { 200: ProjectApiKey, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.api_key_id));

  app.delete('/organization/projects/:project_id/api_keys/:api_key_id', {
    schema: {
      operationId: 'delete-project-api-key',
      summary: 'Delete a project API key',
      description:
        'Revokes a user-owned key; the gateway refuses it from the next request. ' +
        'Service-account keys are deleted with their service account (400 `service_account_key`). ' +
        'The change and its audit event (`api_key.deleted`) commit in one transaction.',
      tags, params: ProjectApiKeyParams, response: { 200: ProjectApiKeyDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.api_key_id));
}
