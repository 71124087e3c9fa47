import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { AdminApiKey, AdminApiKeyCreated, AdminApiKeyDeleted, AdminApiKeyList, CreateAdminApiKeyBody, KeyIdParams, ListAdminApiKeysQuery } from './schemas.js';

const tags = ['Admin API keys'];

export default function adminApiKeysRoutes(app: App, services: AdminServices): void {
  const service = services.adminApiKeys;

  app.get('/organization/admin_api_keys', {
    schema: { operationId: 'admin-api-keys-list', tags, querystring: ListAdminApiKeysQuery, response: { 200: AdminApiKeyList, ...errorResponses } },
  }, (req) => service.list(req.query));

  app.post('/organization/admin_api_keys', {
    schema: { operationId: 'admin-api-keys-create', tags, body: CreateAdminApiKeyBody, response: { 200: AdminApiKeyCreated, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.body));

  app.get('/organization/admin_api_keys/:key_id', {
    schema: { operationId: 'admin-api-keys-get', tags, params: KeyIdParams, response: { 200: AdminApiKey, ...errorResponses } },
  }, (req) => service.retrieve(req.params.key_id));

  app.delete('/organization/admin_api_keys/:key_id', {
    schema: { operationId: 'admin-api-keys-delete', tags, params: KeyIdParams, response: { 200: AdminApiKeyDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.key_id));
}
