import type { Kysely } from 'kysely';
import { param, prepared } from '../../platform/db/prepared.js';
import type { SqliteWriter } from '../../platform/db/sqlite-writer.js';
import { runWriteScript } from '../../platform/db/write-script.js';
import type { DB } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { generateKey, hashesEqual, hashKey, redactKey } from '../../platform/key-crypto.js';
import type { Principal } from './principal.js';

export interface ResolvedKey {
  principal: Principal;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/** Looks up a presented secret by its hash; never sees or stores the secret beyond hashing it. */
const keyByHash = prepared<KeyLookupRow, { hash: string }>((db) =>
  db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'k.owner_id').on('k.owner_type', '=', 'user'))
    .leftJoin('service_accounts as s', (j) => j.onRef('s.id', '=', 'k.owner_id').on('k.owner_type', '=', 'service_account'))
    .select([
      'k.id', 'k.kind', 'k.hash', 'k.project_id', 'k.owner_type', 'k.owner_id', 'k.expires_at', 'k.last_used_at',
      'u.name as user_name', 'u.email as user_email', 'u.role as user_role', 'u.added_at as user_added_at',
      's.name as sa_name', 's.role as sa_role', 's.created_at as sa_created_at',
    ])
    .where('k.hash', '=', param<string>('hash')),
);

interface KeyLookupRow {
  id: string;
  kind: 'admin' | 'project';
  hash: string;
  project_id: string | null;
  owner_type: 'user' | 'service_account';
  owner_id: string;
  expires_at: number | null;
  last_used_at: number | null;
  user_name: string | null;
  user_email: string | null;
  user_role: string | null;
  user_added_at: number | null;
  sa_name: string | null;
  sa_role: string | null;
  sa_created_at: number | null;
}

/** Looks up a presented secret by its hash; never sees or stores the secret beyond hashing it. */
export async function resolveKey(db: Kysely<DB>, secret: string): Promise<ResolvedKey | undefined> {
  const hash = hashKey(secret);
  const [row] = await keyByHash(db, { hash });
  // The index lookup is by hash; compare in constant time before trusting the match.
  if (!row || !hashesEqual(row.hash, hash)) return undefined;
  let owner: Principal['owner'];
  if (row.owner_type === 'user') {
    if (row.user_email == null) return undefined; // owner removed: key is dead
    owner = { type: 'user', id: row.owner_id, name: row.user_name!, email: row.user_email, role: row.user_role!, created_at: Number(row.user_added_at) };
  } else {
    if (row.sa_name == null) return undefined;
    owner = { type: 'service_account', id: row.owner_id, name: row.sa_name, role: row.sa_role!, created_at: Number(row.sa_created_at) };
  }
  return {
    principal: { keyId: row.id, kind: row.kind, projectId: row.project_id, owner },
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/**
 * Records that a key was used. Where there is a writer thread (SQLite), the write goes there: the
 * main thread then never waits, blocked, for the database lock while a bulk write commits.
 */
async function touchKey(db: Kysely<DB>, writer: SqliteWriter | undefined, keyId: string, now: number): Promise<void> {
  const update = db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).compile();
  await runWriteScript(db, writer, [{ sql: update.sql, parameters: [...update.parameters] }], { statements: 0, rows: 0 });
}

/** Per database, the `last_used_at` write under way for each key, and the second it records. */
const touching = new WeakMap<Kysely<DB>, Map<string, { second: number; done: Promise<void> }>>();

/**
 * touchKey, at most once per key and second: while a write recording this second (or a later one)
 * is under way, requests arriving meanwhile neither write again nor wait for it (undefined). Under
 * load, a key's requests then do not each queue a write behind the writer's current work.
 */
export function touchKeyOnce(db: Kysely<DB>, writer: SqliteWriter | undefined, keyId: string, now: number): Promise<void> | undefined {
  let writes = touching.get(db);
  if (!writes) touching.set(db, (writes = new Map()));
  const current = writes.get(keyId);
  if (current !== undefined && current.second >= now) return undefined;
  const entry = { second: now, done: touchKey(db, writer, keyId, now) };
  writes.set(keyId, entry);
  const forget = () => {
    if (writes.get(keyId) === entry) writes.delete(keyId);
  };
  entry.done.then(forget, forget);
  return entry.done;
}

export interface NewKey {
  kind: 'admin' | 'project';
  name: string | null;
  projectId: string | null;
  ownerType: 'user' | 'service_account';
  ownerId: string;
  expiresAt: number | null;
  createdAt: number;
}

/**
 * Issues a key: a fresh CSPRNG secret, stored only as its hash and redacted form.
 * Returns the stored row and the secret, which the caller shows once and drops.
 */
export async function issueKey(db: Kysely<DB>, key: NewKey, secret?: string) {
  const value = secret ?? generateKey(key.kind === 'admin' ? 'admin' : key.ownerType === 'service_account' ? 'service_account' : 'project');
  const row = {
    id: newId('apiKey'),
    kind: key.kind,
    name: key.name,
    hash: hashKey(value),
    redacted_value: redactKey(value),
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    last_used_at: null,
    project_id: key.projectId,
    owner_type: key.ownerType,
    owner_id: key.ownerId,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { row, value };
}
