import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { OrganizationSpendLimit, OrganizationSpendLimitDeleted, UpdateSpendLimitBody } from './schemas.js';

const tags = ['Spend limits'];

export default function organizationSpendLimitRoutes(app: App, services: AdminServices): void {
  const service = services.spendLimits;

  app.get('/organization/spend_limit', {
    schema: {
      operationId: 'Getorganizationspendlimit',
      summary: 'Get the organization\'s spend limit',
      description: 'Returns the organization\'s hard monthly spend limit in cents and whether it is being enforced; 404 while none is set.',
      tags, response: { 200: OrganizationSpendLimit, ...errorResponses },
    },
  }, () => service.retrieve(undefined));

  app.post('/organization/spend_limit', {
    schema: {
      operationId: 'Updateorganizationspendlimit',
      summary: 'Set the organization\'s spend limit',
      description:
        'Creates or replaces the hard monthly limit (cents, USD). ' +
        'The gateway then refuses model requests that would not fit the month\'s remaining budget, with 429 `insufficient_quota`. ' +
        'The change and its audit event (`organization.updated`) commit in one transaction.',
      tags, body: UpdateSpendLimitBody, response: { 200: OrganizationSpendLimit, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), undefined, req.body));

  app.delete('/organization/spend_limit', {
    schema: {
      operationId: 'Deleteorganizationspendlimit',
      summary: 'Delete the organization\'s spend limit',
      description:
        'Lifts the organization\'s hard limit; 404 when none is set. ' +
        'The change and its audit event (`organization.updated`) commit in one transaction.',
      tags, response: { 200: OrganizationSpendLimitDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), undefined));
}
