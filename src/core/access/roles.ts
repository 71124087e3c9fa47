import { PERMISSIONS } from './catalog.js';

export type RoleResourceType = 'api.organization' | 'api.project';

/** A role every organization has. Project-level predefined roles apply to every project. */
export interface PredefinedRole {
  id: string;
  name: string;
  description: string;
  resource_type: RoleResourceType;
  permissions: readonly string[];
}

const all = PERMISSIONS.map((p) => p.permission);
const projectWide = PERMISSIONS.filter((p) => p.project).map((p) => p.permission);
const rw = (...areas: string[]) => areas.flatMap((a) => [`api.${a}.read`, `api.${a}.write`]);
const read = (...areas: string[]) => areas.map((a) => `api.${a}.read`);

const WORK_AREAS = ['assistants', 'threads', 'evals', 'fine_tuning.jobs', 'files', 'prompts', 'datasets', 'batch', 'voices'];
const PROJECT_ADMIN = new Set(rw('organization.projects', 'organization.projects.service_accounts'));

export const PREDEFINED_ROLES: readonly PredefinedRole[] = [
  {
    id: 'role_org_owner',
    name: 'owner',
    description: 'Organization owner: every permission, in the organization and all its projects.',
    resource_type: 'api.organization',
    permissions: all,
  },
  {
    id: 'role_org_reader',
    name: 'reader',
    description: 'Organization reader: uses models and project resources; reads groups and roles.',
    resource_type: 'api.organization',
    permissions: [
      'api.model.read', 'api.model.request', ...read('groups', 'roles'),
      ...rw(...WORK_AREAS, 'vector_stores', 'responses', 'videos', 'organization.projects.api_keys'),
      ...read('webhooks', 'agent_builder'),
    ],
  },
  {
    id: 'role_proj_owner',
    name: 'owner',
    description: 'Project owner: every project permission, including project administration.',
    resource_type: 'api.project',
    permissions: projectWide,
  },
  {
    id: 'role_proj_member',
    name: 'member',
    description: 'Project member: uses models and project resources; no project administration.',
    resource_type: 'api.project',
    permissions: projectWide.filter((p) => !PROJECT_ADMIN.has(p)),
  },
  {
    id: 'role_proj_viewer',
    name: 'viewer',
    description: 'Project viewer: read-only access to the project.',
    resource_type: 'api.project',
    permissions: [
      'api.model.read', ...read('groups', 'roles', ...WORK_AREAS, 'webhooks', 'agent_builder', 'organization.projects.api_keys'),
    ],
  },
];

const BY_ID = new Map(PREDEFINED_ROLES.map((r) => [r.id, r]));

export const predefinedRole = (id: string): PredefinedRole | undefined => BY_ID.get(id);

/** The project membership roles of OpenAI's API (a project user's `role`, an invite's project `role`). */
export const PROJECT_ROLES = ['owner', 'member'] as const;

/** The predefined role a membership role stands for: organization `owner`/`reader`, project `owner`/`member`/`viewer`. */
export const ORG_MEMBERSHIP_ROLE: Record<string, string> = { owner: 'role_org_owner', reader: 'role_org_reader' };
export const PROJECT_MEMBERSHIP_ROLE: Record<string, string> = { owner: 'role_proj_owner', member: 'role_proj_member', viewer: 'role_proj_viewer' };
