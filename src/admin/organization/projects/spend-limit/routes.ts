import type { App } from '../../../app-type.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectSpendLimit, ProjectSpendLimitDeleted, UpdateSpendLimitBody } from '../../spend-limit/schemas.js';

const tags = ['Spend limits'];

export default function projectSpendLimitRoutes(app: App, services: AdminServices): void {
  const service = services.spendLimits;

  app.get('/organization/projects/:project_id/spend_limit', {
    schema: {
      operationId: 'Getprojectspendlimit',
      summary: 'Get a project\'s spend limit',
      description: 'Returns the project\'s hard monthly spend limit and whether it is being enforced; 404 while none is set.',
      tags, params: ProjectIdParams, response: { 200: ProjectSpendLimit, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/spend_limit', {
    schema: {
      operationId: 'Updateprojectspendlimit',
      summary: 'Set a project\'s spend limit',
      description:
        'Creates or replaces the project\'s hard monthly limit (cents, USD); the gateway then refuses the project\'s model requests that would not fit the remaining budget (429 `insufficient_quota`). ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, body: UpdateSpendLimitBody, response: { 200: ProjectSpendLimit, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));

  app.delete('/organization/projects/:project_id/spend_limit', {
    schema: {
      operationId: 'Deleteprojectspendlimit',
      summary: 'Delete a project\'s spend limit',
      description:
        'Lifts the project\'s hard limit; 404 when none is set. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, response: { 200: ProjectSpendLimitDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id));
}
