export { PERMISSIONS, permissionDefinition, type PermissionDefinition } from './catalog.js';
export { ORG_MEMBERSHIP_ROLE, PREDEFINED_ROLES, PROJECT_MEMBERSHIP_ROLE, predefinedRole, type PredefinedRole, type RoleResourceType } from './roles.js';
export { effectivePermissions, heldRoles, rolePermissions, type AssignmentSource } from './effective.js';
export { AccessService } from './service.js';
