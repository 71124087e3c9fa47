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
    schema: { operationId: 'list-project-spend-alerts', tags, params: ProjectIdParams, querystring: ListSpendAlertsQuery, response: { 200: ProjectSpendAlertList, ...errorResponses } },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/spend_alerts', {
    schema: { operationId: 'create-project-spend-alert', tags, params: ProjectIdParams, body: SpendAlertBody, response: { 200: ProjectSpendAlert, ...errorResponses } },
  }, (req) => service.create(principalOf(req), req.params.project_id, req.body));

  app.get('/organization/projects/:project_id/spend_alerts/:alert_id', {
    schema: { operationId: 'retrieve-project-spend-alert', tags, params: ProjectAlertIdParams, response: { 200: ProjectSpendAlert, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id, req.params.alert_id));

  app.post('/organization/projects/:project_id/spend_alerts/:alert_id', {
    schema: { operationId: 'update-project-spend-alert', tags, params: ProjectAlertIdParams, body: SpendAlertBody, response: { 200: ProjectSpendAlert, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.alert_id, req.body));

  app.delete('/organization/projects/:project_id/spend_alerts/:alert_id', {
    schema: { operationId: 'delete-project-spend-alert', tags, params: ProjectAlertIdParams, response: { 200: ProjectSpendAlertDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.project_id, req.params.alert_id));
}
