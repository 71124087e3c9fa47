import { forbidden } from '../../platform/errors.js';
import type { AppContext } from '../context.js';
import type { Principal } from '../keys/principal.js';
import { effectivePermissions } from './effective.js';
import { ORG_MEMBERSHIP_ROLE, PROJECT_MEMBERSHIP_ROLE, predefinedRole } from './roles.js';

/**
 * Authorization decisions, for both planes: what a key's owner may do, from the roles it holds
 * (effectivePermissions). One instance (createCore).
 */
export class AccessService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * The permissions the owner of a key holds in the organization and, given `projectId`, in that
   * project. A user: the union of their roles (effectivePermissions). A service account: the
   * predefined project role its membership stands for, in its own project only.
   */
  async permissions(principal: Principal, projectId?: string): Promise<Set<string>> {
    const { owner } = principal;
    if (owner.type === 'user') {
      // An organization owner holds every permission everywhere: no need to ask the database.
      if (owner.role === 'owner') return new Set(predefinedRole(ORG_MEMBERSHIP_ROLE.owner)!.permissions);
      return new Set(await effectivePermissions(this.ctx.db, { userId: owner.id }, projectId === undefined ? {} : { projectId }));
    }
    const role = PROJECT_MEMBERSHIP_ROLE[owner.role];
    if (role === undefined || projectId === undefined || projectId !== principal.projectId) return new Set();
    return new Set(predefinedRole(role)!.permissions);
  }

  /** Whether the key's owner holds `permission` (in the organization, or in `projectId`). */
  async allows(principal: Principal, permission: string, projectId?: string): Promise<boolean> {
    return (await this.permissions(principal, projectId)).has(permission);
  }

  /** Throws 403 unless the key's owner holds `permission` (in the organization, or in `projectId`). */
  async authorize(principal: Principal, permission: string, projectId?: string): Promise<void> {
    if (!(await this.allows(principal, permission, projectId))) {
      throw forbidden(`You have insufficient permissions for this operation. Missing scope: ${permission}.`);
    }
  }
}
