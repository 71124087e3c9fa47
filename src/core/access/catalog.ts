/**
 * Every permission orgplane recognizes. A permission names an area and an action
 * (`read`, `write`, `request`); `project` tells whether it can be granted by a project role
 * (organization roles may hold any permission).
 */
export interface PermissionDefinition {
  permission: string;
  description: string;
  project: boolean;
}

const area = (name: string, description: string, actions: readonly string[], project = true): PermissionDefinition[] =>
  actions.map((action) => ({ permission: `api.${name}.${action}`, description: `${description} (${action})`, project }));

const RW = ['read', 'write'] as const;

export const PERMISSIONS: readonly PermissionDefinition[] = [
  ...area('model', 'List models', ['read']),
  ...area('model', 'Model capabilities: chat completions, audio, embeddings, images', ['request']),
  ...area('groups', 'View and manage groups', RW),
  ...area('roles', 'View and manage roles', RW),
  ...area('management', 'Organization administration: users, projects, invites, admin API keys, rate limits', RW, false),
  ...area('usage', 'Usage and costs', ['read'], false),
  ...area('external_keys', 'Enterprise Key Management keys', RW, false),
  ...area('ip_allowlist', 'IP allowlist', RW, false),
  ...area('mtls', 'Mutual TLS settings', RW, false),
  ...area('oidc', 'OIDC configuration', RW, false),
  ...area('assistants', 'Assistants', RW),
  ...area('threads', 'Threads, messages and runs', RW),
  ...area('evals', 'Evals', RW),
  ...area('fine_tuning.jobs', 'Fine-tuning jobs', RW),
  ...area('files', 'Files', RW),
  ...area('vector_stores', 'Vector stores', RW),
  ...area('responses', 'Responses API', RW),
  ...area('prompts', 'Prompts', RW),
  ...area('webhooks', 'Webhooks', RW),
  ...area('datasets', 'Datasets', RW),
  ...area('batch', 'Batch jobs', RW),
  ...area('videos', 'Videos', RW),
  ...area('voices', 'Voices', RW),
  ...area('agent_builder', 'Agent Builder agents and workflows', RW),
  ...area('organization.projects', 'Project administration: users, service accounts, API keys, rate limits', RW),
  ...area('organization.projects.api_keys', 'Project API keys', RW),
  ...area('organization.projects.service_accounts', 'Project service accounts', RW),
];

const BY_NAME = new Map(PERMISSIONS.map((p) => [p.permission, p]));

export const permissionDefinition = (permission: string): PermissionDefinition | undefined => BY_NAME.get(permission);
