import type { Core } from '../core/index.js';
import { AdminApiKeysService } from './organization/admin-api-keys/service.js';
import { AuditLogsService } from './organization/audit-logs/service.js';
import { CertificatesService } from './organization/certificates/service.js';
import { GroupRolesService } from './organization/groups/roles/service.js';
import { GroupsService } from './organization/groups/service.js';
import { GroupUsersService } from './organization/groups/users/service.js';
import { InvitesService } from './organization/invites/service.js';
import { ProjectApiKeysService } from './organization/projects/api-keys/service.js';
import { ProjectCertificatesService } from './organization/projects/certificates/service.js';
import { ProjectGroupsService } from './organization/projects/groups/service.js';
import { ProjectRateLimitsService } from './organization/projects/rate-limits/service.js';
import { ServiceAccountsService } from './organization/projects/service-accounts/service.js';
import { ProjectsService } from './organization/projects/service.js';
import { ProjectUsersService } from './organization/projects/users/service.js';
import { RolesService } from './organization/roles/service.js';
import { UserRolesService } from './organization/users/roles/service.js';
import { UsersService } from './organization/users/service.js';

/**
 * The Administration API's services, each constructed once (buildAdminApp) and handed to the
 * routes, which never construct one. They hold no state of their own; what outlives a request
 * lives in core.
 */
export interface AdminServices {
  core: Core;
  adminApiKeys: AdminApiKeysService;
  auditLogs: AuditLogsService;
  certificates: CertificatesService;
  groupRoles: GroupRolesService;
  groupUsers: GroupUsersService;
  groups: GroupsService;
  invites: InvitesService;
  projectApiKeys: ProjectApiKeysService;
  projectCertificates: ProjectCertificatesService;
  projectGroups: ProjectGroupsService;
  projectRateLimits: ProjectRateLimitsService;
  projectUsers: ProjectUsersService;
  projects: ProjectsService;
  roles: RolesService;
  serviceAccounts: ServiceAccountsService;
  userRoles: UserRolesService;
  users: UsersService;
}

export function createAdminServices(core: Core): AdminServices {
  return {
    core,
    adminApiKeys: new AdminApiKeysService(core),
    auditLogs: new AuditLogsService(core),
    certificates: new CertificatesService(core),
    groupRoles: new GroupRolesService(core),
    groupUsers: new GroupUsersService(core),
    groups: new GroupsService(core),
    invites: new InvitesService(core),
    projectApiKeys: new ProjectApiKeysService(core),
    projectCertificates: new ProjectCertificatesService(core),
    projectGroups: new ProjectGroupsService(core),
    projectRateLimits: new ProjectRateLimitsService(core),
    projectUsers: new ProjectUsersService(core),
    projects: new ProjectsService(core),
    roles: new RolesService(core),
    serviceAccounts: new ServiceAccountsService(core),
    userRoles: new UserRolesService(core),
    users: new UsersService(core),
  };
}
