import type { App } from '../../../app-type.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ProjectDataRetention, UpdateProjectDataRetentionBody } from '../../data-retention/schemas.js';

const tags = ['Data retention'];

export default function projectDataRetentionRoutes(app: App, services: AdminServices): void {
  const service = services.dataRetention;

  app.get('/organization/projects/:project_id/data_retention', {
    schema: { operationId: 'retrieve-project-data-retention', tags, params: ProjectIdParams, response: { 200: ProjectDataRetention, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/data_retention', {
    schema: { operationId: 'update-project-data-retention', tags, params: ProjectIdParams, body: UpdateProjectDataRetentionBody, response: { 200: ProjectDataRetention, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));
}
