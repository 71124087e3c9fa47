import type { App } from '../../app.js';
import type { AppContext } from '../../../platform/context.js';
import { errorResponses } from '../../../platform/schemas.js';
import { sendJsonParts } from '../usage/routes.js';
import { CostsQuery, CostsResult, UsagePage } from '../usage/schemas.js';
import { CostsService } from './service.js';

export default function costsRoutes(app: App, ctx: AppContext): void {
  const service = new CostsService(ctx);

  app.get('/organization/costs', {
    schema: { operationId: 'usage-costs', tags: ['Usage'], querystring: CostsQuery, response: { 200: UsagePage(CostsResult), ...errorResponses } },
  },
  async (req, reply) => sendJsonParts(reply, await service.query(req.query)));
}
