import type { App } from '../app.js';
import type { AppContext } from '../shared/context.js';
import adminApiKeys from './organization/admin-api-keys/routes.js';
import auditLogs from './organization/audit-logs/routes.js';
import projects from './organization/projects/routes.js';

/** Every Administration API module, each registering its routes under `/v1` (admin keys only). */
export const adminModules: Array<(app: App, ctx: AppContext) => void> = [
  projects,
  adminApiKeys,
  auditLogs,
];
