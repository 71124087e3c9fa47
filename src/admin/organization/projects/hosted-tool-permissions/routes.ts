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
    schema: {
      operationId: 'retrieve-project-hosted-tool-permissions',
      summary: 'Get a project\'s hosted-tool permissions',
      description:
        'Returns whether each hosted tool (file search, web search, image generation, MCP, code interpreter) is enabled for the project; all are until disabled.',
      tags, params: ProjectIdParams, response: { 200: HostedToolPermissions, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.project_id));

  app.post('/organization/projects/:project_id/hosted_tool_permissions', {
    schema: {
      operationId: 'update-project-hosted-tool-permissions',
      summary: 'Set a project\'s hosted-tool permissions',
      description:
        'Enables or disables hosted tools for the project; tools left out keep their setting. ' +
        'The gateway refuses requests declaring a disabled tool with 403 `tool_not_allowed`. ' +
        'The change and its audit event (`project.updated`) commit in one transaction.',
      tags, params: ProjectIdParams, body: UpdateHostedToolPermissionsBody, response: { 200: HostedToolPermissions, ...errorResponses },
    },
  }, (req) => service.update(principalOf(req), req.params.project_id, req.body));
}
