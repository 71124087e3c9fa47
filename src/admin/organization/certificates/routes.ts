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
    schema: {
      operationId: 'listOrganizationCertificates',
      summary: 'List organization certificates',
      description: 'Returns the uploaded certificates, each with whether it is active for the organization.',
      tags, querystring: ListCertificatesQuery, response: { 200: OrganizationCertificateList, ...errorResponses },
    },
  }, (req) => service.list(req.query));

  app.post('/organization/certificates', {
    schema: {
      operationId: 'uploadCertificate',
      summary: 'Upload a certificate',
      description:
        'Stores one X.509 certificate in PEM form (no private keys, bundles or expired certificates), at most 50 per organization. ' +
        'It starts inactive. ' +
        'The change and its audit event (`certificate.created`) commit in one transaction.',
      tags, body: UploadCertificateBody, response: { 200: Certificate, ...errorResponses },
    },
  }, (req) => service.upload(principalOf(req), req.body));

  app.post('/organization/certificates/activate', {
    schema: {
      operationId: 'activateOrganizationCertificates',
      summary: 'Activate certificates for the organization',
      description:
        'Activates 1 to 10 certificates at organization level, all or nothing; already active ones are left as they are. ' +
        'The event lists only the certificates whose state changed (`certificates.activated`), in the same transaction.',
      tags, body: ToggleCertificatesBody, response: { 200: OrganizationCertificateActivation, ...errorResponses },
    },
  }, (req) => service.toggle(principalOf(req), req.body.certificate_ids, true, 'organization.certificate.activation'));

  app.post('/organization/certificates/deactivate', {
    schema: {
      operationId: 'deactivateOrganizationCertificates',
      summary: 'Deactivate certificates for the organization',
      description:
        'Deactivates 1 to 10 certificates at organization level, all or nothing and idempotent. ' +
        'The event lists only the certificates whose state changed (`certificates.deactivated`), in the same transaction.',
      tags, body: ToggleCertificatesBody, response: { 200: OrganizationCertificateDeactivation, ...errorResponses },
    },
  }, (req) => service.toggle(principalOf(req), req.body.certificate_ids, false, 'organization.certificate.deactivation'));

  app.get('/organization/certificates/:certificate_id', {
    schema: {
      operationId: 'getCertificate',
      summary: 'Get a certificate',
      description: 'Returns one certificate\'s name and validity; `include[]=content` adds the PEM.',
      tags, params: CertificateIdParams, querystring: GetCertificateQuery, response: { 200: Certificate, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.certificate_id, req.query.include));

  app.post('/organization/certificates/:certificate_id', {
    schema: {
      operationId: 'modifyCertificate',
      summary: 'Rename a certificate',
      description:
        'Changes a certificate\'s name. ' +
        'The change and its audit event (`certificate.updated`) commit in one transaction.',
      tags, params: CertificateIdParams, body: ModifyCertificateBody, response: { 200: Certificate, ...errorResponses },
    },
  }, (req) => service.modify(principalOf(req), req.params.certificate_id, req.body));

  app.delete('/organization/certificates/:certificate_id', {
    schema: {
      operationId: 'deleteCertificate',
      summary: 'Delete a certificate',
      description:
        'Deletes a certificate that is inactive for the organization and for every non-archived project. ' +
        'The change and its audit event (`certificate.deleted`) commit in one transaction.',
      tags, params: CertificateIdParams, response: { 200: CertificateDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.certificate_id));
}
