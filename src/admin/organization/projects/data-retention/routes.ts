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
    schema: {
      operationId: 'retrieve-project-data-retention',
      summary: 'Get a project\'s data retention',
      description: 'Returns the project\'s retention type (`organization_default` until changed: it follows the organization).',
      tags, params: ProjectIdParams, response: { 200: ProjectDataRetention, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/data_retention', {
    schema: {
      operationId: 'update-project-data-retention',
      summary: 'Set a project\'s data retention',
      description:
        'Sets the project\'s retention type, or `organization_default` to follow the organization; the gateway applies it to the project\'s requests within a second. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, body: UpdateProjectDataRetentionBody, response: { 200: ProjectDataRetention, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));
}
