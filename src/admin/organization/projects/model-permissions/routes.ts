import type { App } from '../../../app-type.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ModelPermissions, ModelPermissionsDeleted, UpdateModelPermissionsBody } from './schemas.js';

const tags = ['Projects'];

export default function projectModelPermissionsRoutes(app: App, services: AdminServices): void {
  const service = services.modelPermissions;

  app.get('/organization/projects/:project_id/model_permissions', {
    schema: { operationId: 'retrieve-project-model-permissions', tags, params: ProjectIdParams, response: { 200: ModelPermissions, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/model_permissions', {
    schema: { operationId: 'update-project-model-permissions', tags, params: ProjectIdParams, body: UpdateModelPermissionsBody, response: { 200: ModelPermissions, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));

  app.delete('/organization/projects/:project_id/model_permissions', {
    schema: { operationId: 'delete-project-model-permissions', tags, params: ProjectIdParams, response: { 200: ModelPermissionsDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.project_id));
}
