import type { App } from '../../../app-type.js';
import { principalOf } from '../../../auth.js';
import type { AdminServices } from '../../../services.js';
import { errorResponses } from '../../../../platform/schemas.js';
import { ListCertificatesQuery, ToggleCertificatesBody } from '../../certificates/schemas.js';
import { ProjectIdParams } from '../schemas.js';
import { ProjectCertificateActivation, ProjectCertificateDeactivation, ProjectCertificateList } from './schemas.js';

const tags = ['Certificates'];

export default function projectCertificatesRoutes(app: App, services: AdminServices): void {
  const service = services.projectCertificates;

  app.get('/organization/projects/:project_id/certificates', {
    schema: {
      operationId: 'listProjectCertificates',
      summary: 'List a project\'s certificates',
      description: 'Returns every organization certificate, `active` telling whether it is active in this project.',
      tags, params: ProjectIdParams, querystring: ListCertificatesQuery, response: { 200: ProjectCertificateList, ...errorResponses },
    },
  }, (req) => service.list(req.params.project_id, req.query));

  app.post('/organization/projects/:project_id/certificates/activate', {
    schema: {
      operationId: 'activateProjectCertificates',
      summary: 'Activate certificates for a project',
      description:
        'Activates 1 to 10 organization certificates in the project, all or nothing and idempotent; archived projects are refused. ' +
        'The event lists only the certificates whose state changed, in the same transaction.',
      tags, params: ProjectIdParams, body: ToggleCertificatesBody, response: { 200: ProjectCertificateActivation, ...errorResponses },
    },
  }, (req) => service.toggle(principalOf(req), req.params.project_id, req.body.certificate_ids, true, 'organization.project.certificate.activation'));

  app.post('/organization/projects/:project_id/certificates/deactivate', {
    schema: {
      operationId: 'deactivateProjectCertificates',
      summary: 'Deactivate certificates for a project',
      description:
        'Deactivates 1 to 10 certificates in the project, all or nothing and idempotent; archived projects are refused. ' +
        'The event lists only the certificates whose state changed, in the same transaction.',
      tags, params: ProjectIdParams, body: ToggleCertificatesBody, response: { 200: ProjectCertificateDeactivation, ...errorResponses },
    },
  }, (req) => service.toggle(principalOf(req), req.params.project_id, req.body.certificate_ids, false, 'organization.project.certificate.deactivation'));
}
