import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import { ListRateLimitsQuery, ProjectRateLimit, ProjectRateLimitList, RateLimitParams, UpdateRateLimitBody } from './schemas.js';

const tags = ['Project rate limits'];

export default function projectRateLimitsRoutes(app: App, services: AdminServices): void {
  const service = services.projectRateLimits;

  app.get('/organization/projects/:project_id/rate_limits', {
    schema: {
      operationId: 'list-project-rate-limits',
      summary: 'List a project\'s rate limits',
      description:
        'Returns the effective per-model limits of the project in model-catalog order: the catalog\'s defaults, overridden where the project has its own. ' +
        'The gateway enforces these limits.',
      tags, params: ProjectIdParams, querystring: ListRateLimitsQuery, response: { 200: ProjectRateLimitList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/rate_limits/:rate_limit_id', {
    schema: {
      operationId: 'update-project-rate-limits',
      summary: 'Change a project\'s rate limit',
      description:
        'Sets the project\'s limits for one model (`rl-<model>`); fields that do not apply to the model or exceed the organization\'s limit are refused. ' +
        'The gateway applies the new limits immediately. ' +
        'The change and its audit event (`rate_limit.updated`) commit in one transaction.',
      tags, params: RateLimitParams, body: UpdateRateLimitBody, response: { 200: ProjectRateLimit, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.params.rate_limit_id, req.body));
}
