import type { App } from '../../../app-type.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ListSpendAlertsQuery, ProjectAlertIdParams, ProjectSpendAlert, ProjectSpendAlertDeleted, ProjectSpendAlertList, SpendAlertBody } from '../../spend-alerts/schemas.js';

const tags = ['Spend alerts'];

export default function projectSpendAlertRoutes(app: App, services: AdminServices): void {
  const service = services.spendAlerts;

  app.get('/organization/projects/:project_id/spend_alerts', {
    schema: {
      operationId: 'list-project-spend-alerts',
      summary: 'List a project\'s spend alerts',
      description: 'Returns the project\'s spend alerts, a page at a time (`limit` 0–100, `order`, `after`, `before`).',
      tags, params: ProjectIdParams, querystring: ListSpendAlertsQuery, response: { 200: ProjectSpendAlertList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/spend_alerts', {
    schema: {
      operationId: 'create-project-spend-alert',
      summary: 'Create a project spend alert',
      description:
        'Adds a monthly spend threshold for the project with the email recipients to notify. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, body: SpendAlertBody, response: { 200: ProjectSpendAlert, ...errorResponses },
    },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/spend_alerts/:alert_id', {
    schema: {
      operationId: 'retrieve-project-spend-alert',
      summary: 'Get a project spend alert',
      description: 'Returns one of the project\'s spend alerts; an alert of another scope is not found here.',
      tags, params: ProjectAlertIdParams, response: { 200: ProjectSpendAlert, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id, req.params.alert_id));

  app.post('/organization/projects/:project_id/spend_alerts/:alert_id', {
    schema: {
      operationId: 'update-project-spend-alert',
      summary: 'Replace a project spend alert',
      description:
        'Replaces the alert\'s threshold and notification channel with the full body given. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectAlertIdParams, body: SpendAlertBody, response: { 200: ProjectSpendAlert, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.alert_id, req.body));

  app.delete('/organization/projects/:project_id/spend_alerts/:alert_id', {
    schema: {
      operationId: 'delete-project-spend-alert',
      summary: 'Delete a project spend alert',
      description:
        'Deletes one of the project\'s spend alerts. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectAlertIdParams, response: { 200: ProjectSpendAlertDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.alert_id));
}
