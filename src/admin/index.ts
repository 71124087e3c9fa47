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
import organizationDataRetention from './organization/data-retention/routes.js';
import organizationSpendAlerts from './organization/spend-alerts/routes.js';
import organizationSpendLimit from './organization/spend-limit/routes.js';
import projectDataRetention from './organization/projects/data-retention/routes.js';
import projectHostedToolPermissions from './organization/projects/hosted-tool-permissions/routes.js';
import projectModelPermissions from './organization/projects/model-permissions/routes.js';
import projectSpendAlerts from './organization/projects/spend-alerts/routes.js';
import projectSpendLimit from './organization/projects/spend-limit/routes.js';
import * as platformSchemas from '../platform/schemas.js';
import * as adminApiKeysSchemas from './organization/admin-api-keys/schemas.js';
import * as auditLogsSchemas from './organization/audit-logs/schemas.js';
import * as certificatesSchemas from './organization/certificates/schemas.js';
import * as dataRetentionSchemas from './organization/data-retention/schemas.js';
import * as groupsSchemas from './organization/groups/schemas.js';
import * as groupsRolesSchemas from './organization/groups/roles/schemas.js';
import * as groupsUsersSchemas from './organization/groups/users/schemas.js';
import * as invitesSchemas from './organization/invites/schemas.js';
import * as projectsSchemas from './organization/projects/schemas.js';
import * as projectsApiKeysSchemas from './organization/projects/api-keys/schemas.js';
import * as projectsCertificatesSchemas from './organization/projects/certificates/schemas.js';
import * as projectsGroupsSchemas from './organization/projects/groups/schemas.js';
import * as projectsHostedToolPermissionsSchemas from './organization/projects/hosted-tool-permissions/schemas.js';
import * as projectsModelPermissionsSchemas from './organization/projects/model-permissions/schemas.js';
import * as projectsRateLimitsSchemas from './organization/projects/rate-limits/schemas.js';
import * as projectsServiceAccountsSchemas from './organization/projects/service-accounts/schemas.js';
import * as projectsUsersSchemas from './organization/projects/users/schemas.js';
import * as rolesSchemas from './organization/roles/schemas.js';
import * as spendAlertsSchemas from './organization/spend-alerts/schemas.js';
import * as spendLimitSchemas from './organization/spend-limit/schemas.js';
import * as usageSchemas from './organization/usage/schemas.js';
import * as usersSchemas from './organization/users/schemas.js';
import * as usersRolesSchemas from './organization/users/roles/schemas.js';

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
  organizationSpendLimit,
  projectSpendLimit,
  organizationSpendAlerts,
  projectSpendAlerts,
  organizationDataRetention,
  projectDataRetention,
  projectModelPermissions,
  projectHostedToolPermissions,
];

/**
 * The named schemas of the Administration API (`named` in platform/schemas.ts), registered once
 * with `addSchema`: the served document's components.schemas. A schema module missing here makes
 * the app fail to start (its references cannot be resolved).
 */
export const adminSchemas = platformSchemas.definitionsIn([
  platformSchemas,
  adminApiKeysSchemas,
  auditLogsSchemas,
  certificatesSchemas,
  dataRetentionSchemas,
  groupsSchemas,
  groupsRolesSchemas,
  groupsUsersSchemas,
  invitesSchemas,
  projectsSchemas,
  projectsApiKeysSchemas,
  projectsCertificatesSchemas,
  projectsGroupsSchemas,
  projectsHostedToolPermissionsSchemas,
  projectsModelPermissionsSchemas,
  projectsRateLimitsSchemas,
  projectsServiceAccountsSchemas,
  projectsUsersSchemas,
  rolesSchemas,
  spendAlertsSchemas,
  spendLimitSchemas,
  usageSchemas,
  usersSchemas,
  usersRolesSchemas,
  Object.values(usageSchemas.UsageResults),
]);
