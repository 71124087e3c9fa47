import type { Executor } from '../../../platform/context.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

/** Admin keys with their owner's display fields (user or service account). */
function adminKeysWithOwner(db: Executor) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'k.owner_id').on('k.owner_type', '=', 'user'))
    .leftJoin('service_accounts as s', (j) => j.onRef('s.id', '=', 'k.owner_id').on('k.owner_type', '=', 'service_account'))
    .select([
      'k.id', 'k.name', 'k.redacted_value', 'k.created_at', 'k.expires_at', 'k.last_used_at', 'k.owner_type', 'k.owner_id',
      'u.name as user_name', 'u.role as user_role', 'u.added_at as user_added_at',
      's.name as sa_name', 's.role as sa_role', 's.created_at as sa_created_at',
    ])
    .where('k.kind', '=', 'admin');
}

export type AdminKeyRow = Awaited<ReturnType<ReturnType<typeof adminKeysWithOwner>['executeTakeFirstOrThrow']>>;

export function findAdminKey(db: Executor, id: string): Promise<AdminKeyRow | undefined> {
  return adminKeysWithOwner(db).where('k.id', '=', id).executeTakeFirst();
}

export function listAdminKeys(db: Executor, page: PageRequest) {
  return pageBySeq(db, adminKeysWithOwner(db), { ...page, seqRef: 'k.seq', cursorTable: 'api_keys' });
}

export async function countAdminKeys(db: Executor): Promise<number> {
  const row = await db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'admin').executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteKey(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('api_keys').where('id', '=', id).execute();
}
