import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import {
  CreateServiceAccountBody, CreateServiceAccountKeyBody, ListServiceAccountsQuery, ProjectServiceAccount, ProjectServiceAccountCreated,
  ProjectServiceAccountDeleted, ProjectServiceAccountList, ServiceAccountApiKey, ServiceAccountParams, UpdateServiceAccountBody,
} from './schemas.js';

const tags = ['Project service accounts'];

export default function serviceAccountsRoutes(app: App, services: AdminServices): void {
  const service = services.serviceAccounts;

  app.get('/organization/projects/:project_id/service_accounts', {
    schema: {
      operationId: 'list-project-service-accounts',
      summary: 'List a project\'s service accounts',
      description: 'Returns the project\'s service accounts in creation order, a page at a time.',
      tags, params: ProjectIdParams, querystring: ListServiceAccountsQuery, response: { 200: ProjectServiceAccountList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/service_accounts', {
    schema: {
      operationId: 'create-project-service-account',
      summary: 'Create a service account',
      description:
        'Creates a service account in the project together with its first API key (`sk-svcacct-…`), whose secret appears only in this answer; with `create_service_account_only` it gets no key and the role `none`. ' +
        'The change and its audit event (`service_account.created`) commit in one transaction.',
      tags, params: ProjectIdParams, body: CreateServiceAccountBody, response: { 200: ProjectServiceAccountCreated, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/service_accounts/:service_account_id', {
    schema: {
      operationId: 'retrieve-project-service-account',
      summary: 'Get a service account',
      description: 'Returns one of the project\'s service accounts.',
      tags, params: ServiceAccountParams, response: { 200: ProjectServiceAccount, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.service_account_id));

  app.post('/organization/projects/:project_id/service_accounts/:service_account_id', {
    schema: {
      operationId: 'update-project-service-account',
      summary: 'Update a service account',
      description:
        'Renames a service account or changes its project role (`owner` or `member`). ' +
        'The change and its audit event (`service_account.updated`) commit in one transaction.',
      tags, params: ServiceAccountParams, body: UpdateServiceAccountBody, response: { 200: ProjectServiceAccount, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.service_account_id, req.body));

  app.delete('/organization/projects/:project_id/service_accounts/:service_account_id', {
    schema: {
      operationId: 'delete-project-service-account',
      summary: 'Delete a service account',
      description:
        'Deletes the service account and every key it owns; the keys are refused by the gateway from then on. ' +
        'The change and its audit event (`service_account.deleted`) commit in one transaction.',
      tags, params: ServiceAccountParams, response: { 200: ProjectServiceAccountDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.service_account_id));

  app.post('/organization/projects/:project_id/service_accounts/:service_account_id/api_keys', {
    schema: {
      operationId: 'CreateanAPIkeyforaserviceaccount',
      summary: 'Create a service-account key',
      description:
        'Issues another API key for the service account, optionally named and with scopes (recorded, not enforced). ' +
        'The secret is returned only here; orgplane stores its hash. ' +
        'The change and its audit event (`api_key.created`) commit in one transaction.',
      tags, params: ServiceAccountParams, body: CreateServiceAccountKeyBody, response: { 200: ServiceAccountApiKey, ...errorResponses },
    },
  }, (req) => service.createKey(principalOf(req), req.params.project_id, req.params.service_account_id, req.body));
}
