import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { UserTable } from '../../src/platform/db/tables/foundation.js';
import { newId } from '../../src/platform/ids.js';
import type { TestServer } from './harness.js';

export type SeededUser = Selectable<UserTable>;

/** Inserts an organization member straight into `users` (no invite, no audit event) and returns the row. */
export async function seedUser(server: TestServer, opts: { email?: string; name?: string; role?: UserTable['role'] } = {}): Promise<SeededUser> {
  const tag = randomBytes(4).toString('hex');
  const row = {
    id: newId('user'),
    name: opts.name ?? `User ${tag}`,
    email: opts.email ?? `user-${tag}@example.com`,
    role: opts.role ?? 'reader',
    added_at: server.clock.now(),
  };
  await server.ctx.db.insertInto('users').values(row).execute();
  return server.ctx.db.selectFrom('users').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
}

/** Creates a project through the API and returns its ID. */
export async function createProject(server: TestServer, name = 'Project'): Promise<string> {
  const res = await server.post('/v1/organization/projects', { name });
  if (res.status !== 200) throw new Error(`project creation failed: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** The audit `actor` of requests made with the bootstrap admin key. */
export async function bootActor(server: TestServer) {
  const key = await server.ctx.db.selectFrom('api_keys').select('id')
    .where('kind', '=', 'admin').where('owner_id', '=', server.boot.ownerUserId).orderBy('seq').executeTakeFirstOrThrow();
  const owner = await server.ctx.db.selectFrom('users').select('email').where('id', '=', server.boot.ownerUserId).executeTakeFirstOrThrow();
  return { type: 'api_key', api_key: { id: key.id, type: 'user', user: { id: server.boot.ownerUserId, email: owner.email } } };
}
