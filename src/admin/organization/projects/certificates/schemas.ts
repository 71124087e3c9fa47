import { ScopedCertificate, ToggleResult } from '../../certificates/schemas.js';
import { CursorList, named } from '../../../../platform/schemas.js';

export const ProjectCertificate = named('OrganizationProjectCertificate', ScopedCertificate('organization.project.certificate'));
export const ProjectCertificateList = named('ListProjectCertificatesResponse', CursorList(ProjectCertificate));
export const ProjectCertificateActivation = named('OrganizationProjectCertificateActivationResponse', ToggleResult('organization.project.certificate.activation', ProjectCertificate));
export const ProjectCertificateDeactivation = named('OrganizationProjectCertificateDeactivationResponse', ToggleResult('organization.project.certificate.deactivation', ProjectCertificate));
