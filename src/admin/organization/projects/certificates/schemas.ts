import { ScopedCertificate, ToggleResult } from '../../certificates/schemas.js';
import { CursorList } from '../../../../platform/schemas.js';

export const ProjectCertificate = ScopedCertificate('organization.project.certificate');
export const ProjectCertificateList = CursorList(ProjectCertificate);
export const ProjectCertificateActivation = ToggleResult('organization.project.certificate.activation', ProjectCertificate);
export const ProjectCertificateDeactivation = ToggleResult('organization.project.certificate.deactivation', ProjectCertificate);
