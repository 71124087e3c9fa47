import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { OrganizationDataRetention, UpdateOrganizationDataRetentionBody } from './schemas.js';

const tags = ['Data retention'];

export default function organizationDataRetentionRoutes(app: App, services: AdminServices): void {
  const service = services.dataRetention;

  app.get('/organization/data_retention', {
    schema: {
      operationId: 'retrieve-organization-data-retention',
      summary: 'Get the organization\'s data retention',
      description: 'Returns the organization\'s retention type (`modified_abuse_monitoring` until changed).',
      tags, response: { 200: OrganizationDataRetention, ...errorResponses },
    },
  }, () => service.retrieve(undefined));

  app.post('/organization/data_retention', {
    schema: {
      operationId: 'update-organization-data-retention',
      summary: 'Set the organization\'s data retention',
      description:
        'Sets the retention type. ' +
        'Under zero data retention the gateway forwards Responses and Chat Completions requests with `store: false` and keeps no response IDs. ' +
        'The change and its audit event (`organization.updated`) commit in one transaction.',
      tags, body: UpdateOrganizationDataRetentionBody, response: { 200: OrganizationDataRetention, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), undefined, req.body));
}
