import type { App } from '../../../app-type.js';
import { ProjectIdParams } from '../schemas.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { HostedToolPermissions, UpdateHostedToolPermissionsBody } from './schemas.js';

const tags = ['Hosted tools'];

export default function projectHostedToolPermissionsRoutes(app: App, services: AdminServices): void {
  const service = services.hostedToolPermissions;

  app.get('/organization/projects/:project_id/hosted_tool_permissions', {
    schema: { operationId: 'retrieve-project-hosted-tool-permissions', tags, params: ProjectIdParams, response: { 200: HostedToolPermissions, ...errorResponses } },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/hosted_tool_permissions', {
    schema: { operationId: 'update-project-hosted-tool-permissions', tags, params: ProjectIdParams, body: UpdateHostedToolPermissionsBody, response: { 200: HostedToolPermissions, ...errorResponses } },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));
}
