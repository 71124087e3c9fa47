import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../core/index.js';
import { principalOf } from './auth.js';

/** What an Administration API route requires: a permission, checked in the organization or (for a project's routes) in that project. */
export interface RouteAccess {
  permission: string;
  /** The route's `project_id` path parameter: the permission may come from a role held in that project. */
  projectScoped: boolean;
}

/**
 * The permission each admin route requires, by its URL pattern (under /v1) and method: reads (GET)
 * need `.read`, everything else `.write`, of the area the route belongs to (docs/access-control.md).
 */
export function routeAccess(method: string, url: string): RouteAccess {
  const path = url.replace(/^\/v1/, '');
  const action = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  const projectScoped = /^\/(organization\/)?projects\/:project_id(\/|$)/.test(path);
  const area =
    path === '/organization/usage/records' ? 'management'
    : /^\/organization\/(usage|costs)(\/|$)/.test(path) ? 'usage'
    : /\/roles(\/|$)/.test(path) ? 'roles'
    : /^\/organization\/groups(\/|$)/.test(path) ? 'groups'
    : /^\/organization\/projects\/:project_id\/api_keys(\/|$)/.test(path) ? 'organization.projects.api_keys'
    : /^\/organization\/projects\/:project_id\/service_accounts(\/|$)/.test(path) ? 'organization.projects.service_accounts'
    : /^\/organization\/projects(\/|$)/.test(path) ? 'organization.projects'
    : /^\/organization\/certificates(\/|$)/.test(path) ? 'mtls'
    : 'management';
  // Usage is read-only in the permission catalog; recording it is administration (above).
  return { permission: `api.${area}.${area === 'usage' ? 'read' : action}`, projectScoped };
}

/**
 * Authorizes every route registered in `app` after authentication: the admin key's owner must
 * hold the route's permission (core/access), in the organization or, for a project's routes, in
 * that project. An organization owner holds every permission; a key whose owner is no longer an
 * owner is limited to what that owner's roles allow.
 */
export function requirePermission(app: FastifyInstance, core: Core): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const access = routeAccess(request.method, request.routeOptions.url ?? request.url);
    const projectId = access.projectScoped ? (request.params as { project_id?: string }).project_id : undefined;
    await core.access.authorize(principalOf(request), access.permission, projectId);
  });
}
