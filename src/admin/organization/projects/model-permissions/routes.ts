import type { App } from '../../../app-type.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ModelPermissions, ModelPermissionsDeleted, UpdateModelPermissionsBody } from './schemas.js';

const tags = ['Model permissions'];

export default function projectModelPermissionsRoutes(app: App, services: AdminServices): void {
  const service = services.modelPermissions;

  app.get('/organization/projects/:project_id/model_permissions', {
    schema: {
      operationId: 'retrieve-project-model-permissions',
      summary: 'Get a project\'s model permissions',
      description: 'Returns the project\'s allow list or deny list of models; without one, an empty deny list (every model allowed).',
      tags, params: ProjectIdParams, response: { 200: ModelPermissions, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/model_permissions', {
    schema: {
      operationId: 'update-project-model-permissions',
      summary: 'Set a project\'s model permissions',
      description:
        'Restricts the models the project\'s keys may use at the gateway to an allow list, or excludes a deny list; every model ID must be in the model catalog. ' +
        'Refused requests get 403 `model_not_allowed`. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, body: UpdateModelPermissionsBody, response: { 200: ModelPermissions, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));

  app.delete('/organization/projects/:project_id/model_permissions', {
    schema: {
      operationId: 'delete-project-model-permissions',
      summary: 'Lift a project\'s model permissions',
      description:
        'Removes the project\'s model restriction, so every catalog model is allowed again (200 also when there was none). ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, response: { 200: ModelPermissionsDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.project_id));
}
