import type { Executor } from '../../core/context.js';

export async function organizationExists(db: Executor): Promise<boolean> {
  return (await db.selectFrom('organization').select('id').executeTakeFirst()) !== undefined;
}

export interface NewOrganization {
  organization: { id: string; name: string };
  owner: { id: string; name: string; email: string };
  defaultProject: { id: string; name: string };
  now: number;
}

/** The organization, its owner, and the Default project with the owner as project owner. */
export async function insertOrganization(db: Executor, o: NewOrganization): Promise<void> {
  await db.insertInto('organization').values({ ...o.organization, created_at: o.now }).execute();
  await db.insertInto('users').values({ ...o.owner, role: 'owner', added_at: o.now }).execute();
  await db.insertInto('projects').values({
    ...o.defaultProject, created_at: o.now, archived_at: null, status: 'active', external_key_id: null, residency: null, is_default: 1,
  }).execute();
  await db.insertInto('project_users').values({ project_id: o.defaultProject.id, user_id: o.owner.id, role: 'owner', added_at: o.now }).execute();
}

/** An organization owner: the one with this email, or the earliest added. */
export async function findOwner(db: Executor, email?: string): Promise<{ id: string; email: string } | undefined> {
  let query = db.selectFrom('users').select(['id', 'email']).where('role', '=', 'owner');
  if (email !== undefined) query = query.where('email', '=', email);
  return query.orderBy('added_at').orderBy('id').limit(1).executeTakeFirst();
}
