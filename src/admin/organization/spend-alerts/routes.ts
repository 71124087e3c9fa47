import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { AlertIdParams, ListSpendAlertsQuery, OrganizationSpendAlert, OrganizationSpendAlertDeleted, OrganizationSpendAlertList, SpendAlertBody } from './schemas.js';

const tags = ['Spend alerts'];

export default function organizationSpendAlertRoutes(app: App, services: AdminServices): void {
  const service = services.spendAlerts;

  app.get('/organization/spend_alerts', {
    schema: { operationId: 'list-organization-spend-alerts', tags, querystring: ListSpendAlertsQuery, response: { 200: OrganizationSpendAlertList, ...errorResponses } },
  }, (req) => service.list(undefined, req.query));

  app.post('/organization/spend_alerts', {
    schema: { operationId: 'create-organization-spend-alert', tags, body: SpendAlertBody, response: { 200: OrganizationSpendAlert, ...errorResponses } },
  }, (req) => service.create(principalOf(req), undefined, req.body));

  app.get('/organization/spend_alerts/:alert_id', {
    schema: { operationId: 'retrieve-organization-spend-alert', tags, params: AlertIdParams, response: { 200: OrganizationSpendAlert, ...errorResponses } },
  }, (req) => service.retrieve(undefined, req.params.alert_id));

  app.post('/organization/spend_alerts/:alert_id', {
    schema: { operationId: 'update-organization-spend-alert', tags, params: AlertIdParams, body: SpendAlertBody, response: { 200: OrganizationSpendAlert, ...errorResponses } },
  }, (req) => service.update(principalOf(req), undefined, req.params.alert_id, req.body));

  app.delete('/organization/spend_alerts/:alert_id', {
    schema: { operationId: 'delete-organization-spend-alert', tags, params: AlertIdParams, response: { 200: OrganizationSpendAlertDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), undefined, req.params.alert_id));
}
