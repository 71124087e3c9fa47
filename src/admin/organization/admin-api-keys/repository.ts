import type { Executor } from '../../../core/context.js';
import { keysWithOwner } from '../../../core/keys/store.js';
import { pageBySeq, type PageRequest } from '../../../platform/pagination.js';

export { deleteKey } from '../../../core/keys/store.js';

/** Admin keys with their owner's display fields (user or service account). */
function adminKeysWithOwner(db: Executor) {
  return keysWithOwner(db).select('u.role as user_role').where('k.kind', '=', 'admin');
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
