import type { App } from '../../app.js';
import { principalOf } from '../../auth.js';
import type { AppContext } from '../../../platform/context.js';
import { errorResponses } from '../../../platform/schemas.js';
import { OrganizationSpendLimit, OrganizationSpendLimitDeleted, UpdateSpendLimitBody } from './schemas.js';
import { SpendLimitService } from './service.js';

const tags = ['Spend limits'];

export default function organizationSpendLimitRoutes(app: App, ctx: AppContext): void {
  const service = new SpendLimitService(ctx);

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
