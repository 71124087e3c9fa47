import type { App } from '../../app-type.js';
import type { AdminServices } from '../../services.js';
import { bucketWindow, pageJson } from '../../../platform/bucket-pages.js';
import { sendJsonParts } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { CostsQuery, CostsResult, UsagePage } from '../usage/schemas.js';

const DAY = 86400;
const LIMIT = { default: 7, max: 180 };

/** `/organization/costs`, from the daily cost rollups (core/usage), priced when the usage was ingested. */
export default function costsRoutes(app: App, { core }: AdminServices): void {
  app.get('/organization/costs', {
    schema: {
      operationId: 'usage-costs',
      summary: 'Get costs',
      description:
        'Returns daily cost buckets for a time range, from what orgplane recorded (gateway traffic and ingested usage) priced by its model catalog when the usage was recorded; group by project, line item or API key, and filter by project or key.',
      tags: ['Usage'], querystring: CostsQuery, response: { 200: UsagePage(CostsResult), ...errorResponses },
    },
  },
  async (req, reply) => {
    const q = req.query;
    const window = bucketWindow(core.clock.now(), q, DAY, LIMIT);
    const json = await core.usage.queries.costs({ ...window, groupBy: q.group_by, projectIds: q.project_ids, apiKeyIds: q.api_key_ids });
    return sendJsonParts(reply, pageJson(window, json));
  });
}
