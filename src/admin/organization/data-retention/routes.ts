import type { App } from '../../app.js';
import { principalOf } from '../../auth.js';
import type { AppContext } from '../../../platform/context.js';
import { errorResponses } from '../../../platform/schemas.js';
import { OrganizationDataRetention, UpdateOrganizationDataRetentionBody } from './schemas.js';
import { DataRetentionService } from './service.js';

const tags = ['Data retention'];

export default function organizationDataRetentionRoutes(app: App, ctx: AppContext): void {
  const service = new DataRetentionService(ctx);

  app.get('/organization/data_retention', {
    schema: { operationId: 'retrieve-organization-data-retention', tags, response: { 200: OrganizationDataRetention, ...errorResponses } },
  }, () => service.retrieve(undefined));

  app.post('/organization/data_retention', {
    schema: { operationId: 'update-organization-data-retention', tags, body: UpdateOrganizationDataRetentionBody, response: { 200: OrganizationDataRetention, ...errorResponses } },
  }, (req) => service.update(principalOf(req), undefined, req.body));
}
