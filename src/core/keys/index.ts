import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { param, prepared } from '../../platform/db/prepared.js';
import { newId } from '../../platform/ids.js';
import { generateKey, hashesEqual, hashKey, redactKey } from '../../platform/key-crypto.js';
import type { AppContext, Executor } from '../context.js';
import type { Principal } from './principal.js';
import { keysWithOwner } from './store.js';

export type { Principal, PrincipalOwner } from './principal.js';

export interface ResolvedKey {
  principal: Principal;
  expiresAt: number | null;
  lastUsedAt: number | null;
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
 * API keys as both planes use them: resolve a presented secret to its principal, record its use,
 * issue new ones. One instance (createCore); it owns the `last_used_at` writes under way.
 */
export class KeyService {
  /** Looks up a presented secret by its hash (a prepared query: every request authenticates). */
  private readonly byHash;
  /** Looks up a key by its ID. */
  private readonly byId;
  /** The `last_used_at` write under way for each key, and the second it records. */
  private readonly touching = new Map<string, { second: number; done: Promise<void> }>();

  constructor(private readonly ctx: AppContext) {
    this.byHash = prepared<KeyLookupRow, { hash: string }>(ctx.db, (db) =>
      keysWithOwner(db).select(['k.hash', 'u.role as user_role']).where('k.hash', '=', param<string>('hash')));
    this.byId = prepared<KeyLookupRow, { id: string }>(ctx.db, (db) =>
      keysWithOwner(db).select(['k.hash', 'u.role as user_role']).where('k.id', '=', param<string>('id')));
  }

  /**
   * The live key a presented secret is, or undefined (unknown, expired, or its owner removed).
   * Never sees or stores the secret beyond hashing it; the stored hash is compared in constant time.
   */
  async resolve(secret: string): Promise<ResolvedKey | undefined> {
    const hash = hashKey(secret);
    const [row] = await this.byHash({ hash });
    if (!row || !hashesEqual(row.hash, hash)) return undefined;
    return this.resolvedOf(row);
  }

  /** The key of a looked-up row, if it is live (its owner still exists, not expired). */
  private resolvedOf(row: KeyLookupRow): ResolvedKey | undefined {
    let owner: Principal['owner'];
    if (row.owner_type === 'user') {
      if (row.user_email == null) return undefined; // owner removed: key is dead
      owner = { type: 'user', id: row.owner_id, name: row.user_name!, email: row.user_email, role: row.user_role!, created_at: Number(row.user_added_at) };
    } else {
      if (row.sa_name == null) return undefined;
      owner = { type: 'service_account', id: row.owner_id, name: row.sa_name, role: row.sa_role!, created_at: Number(row.sa_created_at) };
    }
    const expiresAt = row.expires_at === null ? null : Number(row.expires_at);
    if (expiresAt !== null && expiresAt <= this.ctx.clock.now()) return undefined;
    return {
      principal: { keyId: row.id, kind: row.kind, projectId: row.project_id, owner },
      expiresAt,
      lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    };
  }

  /** The live key with this ID (a console session holds the ID of the key it was opened with, never the key), or undefined. */
  async resolveById(id: string): Promise<ResolvedKey | undefined> {
    const [row] = await this.byId({ id });
    return row ? this.resolvedOf(row) : undefined;
  }

  /** The principal of a resolved key (see resolve), recording that it was used now; undefined stays undefined. */
  async use(resolved: ResolvedKey | undefined): Promise<Principal | undefined> {
    if (!resolved) return undefined;
    const now = this.ctx.clock.now();
    if (resolved.lastUsedAt === null || resolved.lastUsedAt < now) await this.touch(resolved.principal.keyId, now);
    return resolved.principal;
  }

  /**
   * Resolves a secret and records that the key was used now (second granularity: at most one
   * write per key per second, whatever the request rate). Undefined: no live key.
   */
  async authenticate(secret: string): Promise<Principal | undefined> {
    return this.use(await this.resolve(secret));
  }

  /**
   * Records that a key was used at `now`, at most once per key and second: while a write recording
   * this second (or a later one) is under way, calls meanwhile neither write again nor wait for it
   * (undefined). Under load, a key's requests then do not each queue a write. The write runs as a
   * script (off the event loop where the database allows).
   */
  touch(keyId: string, now: number): Promise<void> | undefined {
    const current = this.touching.get(keyId);
    if (current !== undefined && current.second >= now) return undefined;
    // Never backwards: writes of different seconds may commit in either order.
    const update = this.ctx.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now)])).compile();
    const done = this.ctx.database.runScript([{ sql: update.sql, parameters: [...update.parameters] }], { statements: 0, rows: 0 }).then(() => undefined);
    const entry = { second: now, done };
    this.touching.set(keyId, entry);
    const forget = () => {
      if (this.touching.get(keyId) === entry) this.touching.delete(keyId);
    };
    done.then(forget, forget);
    return done;
  }

  /**
   * Issues a key inside the caller's transaction: a fresh CSPRNG secret (or `secret`, for the
   * bootstrap key from the environment), stored only as its hash and redacted form. Returns the
   * stored row and the secret, which the caller shows once and drops.
   */
  issue(tx: Executor | Transaction<DB>, key: NewKey, secret?: string) {
    return issueKey(tx, key, secret);
  }
}

/** See KeyService.issue. */
export async function issueKey(db: Executor, key: NewKey, secret?: string) {
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
