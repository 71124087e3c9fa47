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

/** Admin keys other than `exceptId` that still work at `now`: not expired. */
export async function countOtherLiveAdminKeys(db: Executor, exceptId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'admin')
    .where('id', '!=', exceptId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
