import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { AdminApiKey, AdminApiKeyCreated, AdminApiKeyDeleted, AdminApiKeyList, CreateAdminApiKeyBody, KeyIdParams, ListAdminApiKeysQuery } from './schemas.js';

const tags = ['Admin API keys'];

export default function adminApiKeysRoutes(app: App, services: AdminServices): void {
  const service = services.adminApiKeys;

  app.get('/organization/admin_api_keys', {
    schema: {
      operationId: 'admin-api-keys-list',
      summary: 'List admin API keys',
      description: 'Returns the organization\'s admin keys with redacted values, owner and `last_used_at`, a page at a time.',
      tags, querystring: ListAdminApiKeysQuery, response: { 200: AdminApiKeyList, ...errorResponses },
    },
  }, (req) => service.list(req.query));

  app.post('/organization/admin_api_keys', {
    schema: {
      operationId: 'admin-api-keys-create',
      summary: 'Create an admin API key',
      description:
        'Issues an `sk-admin-…` key owned by the owner of the calling key, optionally expiring after `expires_in_seconds`. ' +
        'The secret is returned only in this answer; orgplane stores its hash. ' +
        'The change and its audit event (`api_key.created`) commit in one transaction.',
      tags, body: CreateAdminApiKeyBody, response: { 200: AdminApiKeyCreated, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.body));

  app.get('/organization/admin_api_keys/:key_id', {
    schema: {
      operationId: 'admin-api-keys-get',
      summary: 'Get an admin API key',
      description: 'Returns one admin key, its value redacted.',
      tags, params: KeyIdParams, response: { 200: AdminApiKey, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.key_id));

  app.delete('/organization/admin_api_keys/:key_id', {
    schema: {
      operationId: 'admin-api-keys-delete',
      summary: 'Delete an admin API key',
      description:
        'Revokes an admin key. ' +
        'The organization\'s last live admin key cannot be deleted (400 `last_admin_key`), so the Administration API always stays reachable. ' +
        'The change and its audit event (`api_key.deleted`) commit in one transaction.',
      tags, params: KeyIdParams, response: { 200: AdminApiKeyDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.key_id));
}
