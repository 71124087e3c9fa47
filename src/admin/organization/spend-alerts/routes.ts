import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { AlertIdParams, ListSpendAlertsQuery, OrganizationSpendAlert, OrganizationSpendAlertDeleted, OrganizationSpendAlertList, SpendAlertBody } from './schemas.js';

const tags = ['Spend alerts'];

export default function organizationSpendAlertRoutes(app: App, services: AdminServices): void {
  const service = services.spendAlerts;

  app.get('/organization/spend_alerts', {
    schema: {
      operationId: 'list-organization-spend-alerts',
      summary: 'List organization spend alerts',
      description: 'Returns the organization\'s spend alerts, a page at a time (`limit` 0–100, `order`, `after`, `before`).',
      tags, querystring: ListSpendAlertsQuery, response: { 200: OrganizationSpendAlertList, ...errorResponses },
    },
  }, (req) => service.list(undefined, req.query));

  app.post('/organization/spend_alerts', {
    schema: {
      operationId: 'create-organization-spend-alert',
      summary: 'Create an organization spend alert',
      description:
        'Adds a monthly spend threshold (cents, USD) with the email recipients to notify. ' +
        'The change and its audit event (`organization.updated`) commit in one transaction.',
      tags, body: SpendAlertBody, response: { 200: OrganizationSpendAlert, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), undefined, req.body));

  app.get('/organization/spend_alerts/:alert_id', {
    schema: {
      operationId: 'retrieve-organization-spend-alert',
      summary: 'Get an organization spend alert',
      description: 'Returns one of the organization\'s spend alerts.',
      tags, params: AlertIdParams, response: { 200: OrganizationSpendAlert, ...errorResponses },
    },
  }, (req) => service.retrieve(undefined, req.params.alert_id));

  app.post('/organization/spend_alerts/:alert_id', {
    schema: {
      operationId: 'update-organization-spend-alert',
      summary: 'Replace an organization spend alert',
      description:
        'Replaces the alert\'s threshold and notification channel with the full body given. ' +
        'The change and its audit event (`organization.updated`) commit in one transaction.',
      tags, params: AlertIdParams, body: SpendAlertBody, response: { 200: OrganizationSpendAlert, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), undefined, req.params.alert_id, req.body));

  app.delete('/organization/spend_alerts/:alert_id', {
    schema: {
      operationId: 'delete-organization-spend-alert',
      summary: 'Delete an organization spend alert',
      description:
        'Deletes one of the organization\'s spend alerts. ' +
        'The change and its audit event (`organization.updated`) commit in one transaction.',
      tags, params: AlertIdParams, response: { 200: OrganizationSpendAlertDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), undefined, req.params.alert_id));
}
