import { badRequest } from '../platform/errors.js';

/**
 * The active-project rule, for both planes: an archived project is read-only (nothing in it may
 * change, nothing new may join it, its keys are not used); every other project is active.
 */
export function isProjectActive(project: { status: string }): boolean {
  return project.status !== 'archived';
}

/** Throws 400 `project_archived` (with `message`, naming `param`) unless the project is active. */
export function assertProjectActive(project: { id: string; status: string }, param = 'project_id', message = `Project '${project.id}' is archived and cannot be modified.`): void {
  if (!isProjectActive(project)) throw badRequest(message, param, 'project_archived');
}
