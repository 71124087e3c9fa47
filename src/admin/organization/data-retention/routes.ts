import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { OrganizationDataRetention, UpdateOrganizationDataRetentionBody } from './schemas.js';

const tags = ['Data retention'];

export default function organizationDataRetentionRoutes(app: App, services: AdminServices): void {
  const service = services.dataRetention;

  app.get('/organization/data_retention', {
    schema: { operationId: 'retrieve-organization-data-retention', tags, response: { 200: OrganizationDataRetention, ...errorResponses } },
  }, () => service.retrieve(undefined));

  app.post('/organization/data_retention', {
    schema: { operationId: 'update-organization-data-retention', tags, body: UpdateOrganizationDataRetentionBody, response: { 200: OrganizationDataRetention, ...errorResponses } },
  }, (req) => service.update(principalOf(req), undefined, req.body));
}
