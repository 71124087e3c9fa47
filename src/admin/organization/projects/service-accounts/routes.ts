import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import {
  CreateServiceAccountBody, CreateServiceAccountKeyBody, ListServiceAccountsQuery, ProjectServiceAccount, ProjectServiceAccountCreated,
  ProjectServiceAccountDeleted, ProjectServiceAccountList, ServiceAccountApiKey, ServiceAccountParams, UpdateServiceAccountBody,
} from './schemas.js';

const tags = ['Projects'];

export default function serviceAccountsRoutes(app: App, services: AdminServices): void {
  const service = services.serviceAccounts;

  app.get('/organization/projects/:project_id/service_accounts', {
    schema: { operationId: 'list-project-service-accounts', tags, params: ProjectIdParams, querystring: ListServiceAccountsQuery, response: { 200: ProjectServiceAccountList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/service_accounts', {
    schema: { operationId: 'create-project-service-account', tags, params: ProjectIdParams, body: CreateServiceAccountBody, response: { 200: ProjectServiceAccountCreated, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/service_accounts/:service_account_id', {
    schema: { operationId: 'retrieve-project-service-account', tags, params: ServiceAccountParams, response: { 200: ProjectServiceAccount, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.service_account_id));

  app.post('/organization/projects/:project_id/service_accounts/:service_account_id', {
    schema: { operationId: 'update-project-service-account', tags, params: ServiceAccountParams, body: UpdateServiceAccountBody, response: { 200: ProjectServiceAccount, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.service_account_id, req.body));

  app.delete('/organization/projects/:project_id/service_accounts/:service_account_id', {
    schema: { operationId: 'delete-project-service-account', tags, params: ServiceAccountParams, response: { 200: ProjectServiceAccountDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.service_account_id));

  app.post('/organization/projects/:project_id/service_accounts/:service_account_id/api_keys', {
    schema: { operationId: 'CreateanAPIkeyforaserviceaccount', tags, params: ServiceAccountParams, body: CreateServiceAccountKeyBody, response: { 200: ServiceAccountApiKey, ...errorResponses } },
  }, (req) => service.createKey(principalOf(req), req.params.project_id, req.params.service_account_id, req.body));
}
