import type { App } from '../../../app.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AppContext } from '../../../../platform/context.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectDataRetention, UpdateProjectDataRetentionBody } from '../../data-retention/schemas.js';
import { DataRetentionService } from '../../data-retention/service.js';

const tags = ['Data retention'];

export default function projectDataRetentionRoutes(app: App, ctx: AppContext): void {
  const service = new DataRetentionService(ctx);

  app.get('/organization/projects/:project_id/data_retention', {
    schema: { operationId: 'retrieve-project-data-retention', tags, params: ProjectIdParams, response: { 200: ProjectDataRetention, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/data_retention', {
    schema: { operationId: 'update-project-data-retention', tags, params: ProjectIdParams, body: UpdateProjectDataRetentionBody, response: { 200: ProjectDataRetention, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));
}
