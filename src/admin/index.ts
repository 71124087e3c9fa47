import type { App } from './app-type.js';
import type { AdminServices } from './services.js';
import adminApiKeys from './organization/admin-api-keys/routes.js';
import auditLogs from './organization/audit-logs/routes.js';
import certificates from './organization/certificates/routes.js';
import invites from './organization/invites/routes.js';
import projects from './organization/projects/routes.js';
import projectApiKeys from './organization/projects/api-keys/routes.js';
import projectCertificates from './organization/projects/certificates/routes.js';
import projectRateLimits from './organization/projects/rate-limits/routes.js';
import projectServiceAccounts from './organization/projects/service-accounts/routes.js';
import projectUsers from './organization/projects/users/routes.js';
import users from './organization/users/routes.js';
import usage from './organization/usage/routes.js';
import costs from './organization/costs/routes.js';
import groups from './organization/groups/routes.js';
import groupRoles from './organization/groups/roles/routes.js';
import groupUsers from './organization/groups/users/routes.js';
import projectGroups from './organization/projects/groups/routes.js';
import roles from './organization/roles/routes.js';
import userRoles from './organization/users/roles/routes.js';
import projectGroupRoles from './projects/groups/roles/routes.js';
import projectRoles from './projects/roles/routes.js';
import projectUserRoles from './projects/users/roles/routes.js';

/** Every Administration API module, each registering its routes under `/v1` (admin keys only). */
export const adminModules: Array<(app: App, services: AdminServices) => void> = [
  projects,
  projectUsers,
  projectServiceAccounts,
  projectApiKeys,
  adminApiKeys,
  auditLogs,
  users,
  invites,
  projectRateLimits,
  certificates,
  projectCertificates,
  groups,
  groupUsers,
  groupRoles,
  roles,
  userRoles,
  projectGroups,
  projectRoles,
  projectUserRoles,
  projectGroupRoles,
  usage,
  costs,
];
