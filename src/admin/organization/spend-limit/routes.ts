import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { OrganizationSpendLimit, OrganizationSpendLimitDeleted, UpdateSpendLimitBody } from './schemas.js';

const tags = ['Spend limits'];

export default function organizationSpendLimitRoutes(app: App, services: AdminServices): void {
  const service = services.spendLimits;

  app.get('/organization/spend_limit', {
    schema: { operationId: 'Getorganizationspendlimit', tags, response: { 200: OrganizationSpendLimit, ...errorResponses } },
  }, () => service.retrieve(undefined));

  app.post('/organization/spend_limit', {
    schema: { operationId: 'Updateorganizationspendlimit', tags, body: UpdateSpendLimitBody, response: { 200: OrganizationSpendLimit, ...errorResponses } },
  }, (req) => service.update(principalOf(req), undefined, req.body));

  app.delete('/organization/spend_limit', {
    schema: { operationId: 'Deleteorganizationspendlimit', tags, response: { 200: OrganizationSpendLimitDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), undefined));
}
