import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import {
  Certificate, CertificateDeleted, CertificateIdParams, GetCertificateQuery, ListCertificatesQuery, ModifyCertificateBody,
  OrganizationCertificateActivation, OrganizationCertificateDeactivation, OrganizationCertificateList, ToggleCertificatesBody, UploadCertificateBody,
} from './schemas.js';

const tags = ['Certificates'];

export default function certificatesRoutes(app: App, services: AdminServices): void {
  const service = services.certificates;

  app.get('/organization/certificates', {
    schema: { operationId: 'listOrganizationCertificates', tags, querystring: ListCertificatesQuery, response: { 200: OrganizationCertificateList, ...errorResponses } },
  }, (req) => service.list(req.query));

  app.post('/organization/certificates', {
    schema: { operationId: 'uploadCertificate', tags, body: UploadCertificateBody, response: { 200: Certificate, ...errorResponses } },
  }, (req) => service.upload(principalOf(req), req.body));

  app.post('/organization/certificates/activate', {
    schema: { operationId: 'activateOrganizationCertificates', tags, body: ToggleCertificatesBody, response: { 200: OrganizationCertificateActivation, ...errorResponses } },
  }, (req) => service.toggle(principalOf(req), req.body.certificate_ids, true, 'organization.certificate.activation'));

  app.post('/organization/certificates/deactivate', {
    schema: { operationId: 'deactivateOrganizationCertificates', tags, body: ToggleCertificatesBody, response: { 200: OrganizationCertificateDeactivation, ...errorResponses } },
  }, (req) => service.toggle(principalOf(req), req.body.certificate_ids, false, 'organization.certificate.deactivation'));

  app.get('/organization/certificates/:certificate_id', {
    schema: { operationId: 'getCertificate', tags, params: CertificateIdParams, querystring: GetCertificateQuery, response: { 200: Certificate, ...errorResponses } },
  }, (req) => service.retrieve(req.params.certificate_id, req.query.include));

  app.post('/organization/certificates/:certificate_id', {
    schema: { operationId: 'modifyCertificate', tags, params: CertificateIdParams, body: ModifyCertificateBody, response: { 200: Certificate, ...errorResponses } },
  }, (req) => service.modify(principalOf(req), req.params.certificate_id, req.body));

  app.delete('/organization/certificates/:certificate_id', {
    schema: { operationId: 'deleteCertificate', tags, params: CertificateIdParams, response: { 200: CertificateDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.certificate_id));
}
