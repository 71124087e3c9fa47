import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { Principal } from './principal.js';
import type { KeyService } from './index.js';
import type { Clock } from '../../platform/clock.js';
import { hashKey } from '../../platform/key-crypto.js';
import { type AccessData, loadAccessData, projectPermissions } from '../access/project-access.js';

/** One API key as the hot path sees it: who it is, whether it may be used, what it may do. */
export interface KeyEntry {
  principal: Principal;
  expiresAt: number | null;
  /** Why the key is refused although it exists: its project is archived, its owner left. */
  dead: string | null;
  /** Project keys: the owner's permissions in the key's project (see core/access). */
  permissions: ReadonlySet<string>;
  lastUsedAt: number | null;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Every API key, resolved to its principal and permissions, in memory: requests are
 * authenticated without a database query. Built at start and rebuilt whenever a change to keys,
 * owners, memberships, projects or roles is announced (see db/changes.ts: within ~250 ms on every
 * replica, before the response on the replica that made the change). A secret that is not in the
 * table is looked up in the database once (a key issued on another replica a moment ago).
 */
export class KeyTable {
  private byHash = new Map<string, KeyEntry>();
  private loading: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    /** Looks up keys not (yet) in the table, and writes last_used_at. */
    private readonly keys: KeyService,
  ) {}

  /** Rebuilds the table from the database (coalesced: one rebuild at a time, and one more if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading.then(() => this.loading ?? undefined);
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        this.byHash = await this.build();
      } while (this.again);
    };
    this.loading = run().finally(() => (this.loading = null));
    return this.loading;
  }

  private async build(): Promise<Map<string, KeyEntry>> {
    const [keys, access] = await Promise.all([
      this.db.selectFrom('api_keys').select(['id', 'kind', 'hash', 'project_id', 'owner_type', 'owner_id', 'expires_at', 'last_used_at']).execute(),
      loadAccessData(this.db),
    ]);
    const table = new Map<string, KeyEntry>();
    for (const k of keys) {
      const entry = toEntry(k, access);
      if (entry) table.set(k.hash, entry);
    }
    return table;
  }

  /**
   * The live key a secret stands for, or a reason it is refused. Synchronous when the key is in
   * the table (the hot path); otherwise one database lookup.
   */
  resolve(secret: string): KeyEntry | Promise<KeyEntry | undefined> | undefined {
    const hash = hashKey(secret);
    const entry = this.byHash.get(hash);
    if (entry !== undefined) return entry;
    return this.lookUp(secret, hash);
  }

  private async lookUp(secret: string, hash: string): Promise<KeyEntry | undefined> {
    if (!(await this.keys.resolve(secret))) return undefined;
    // Issued since the table was built: rebuild, then answer from the table.
    await this.refresh();
    return this.byHash.get(hash);
  }

  /**
   * Keeps `last_used_at` (at most one write per key and second). Returns the write when this call
   * started one (callers that must see it stored await it; the data plane does not).
   */
  touch(entry: KeyEntry, now: number): Promise<void> | undefined {
    if (entry.lastUsedAt !== null && entry.lastUsedAt >= now) return undefined;
    entry.lastUsedAt = now;
    const write = this.keys.touch(entry.principal.keyId, now);
    write?.catch(() => undefined);
    return write;
  }

  /** Whether the key has expired at `now` (Unix seconds). */
  expired(entry: KeyEntry, now = this.clock.now()): boolean {
    return entry.expiresAt !== null && entry.expiresAt <= now;
  }
}

interface KeyRow {
  id: string;
  kind: 'admin' | 'project';
  project_id: string | null;
  owner_type: 'user' | 'service_account';
  owner_id: string;
  expires_at: number | null;
  last_used_at: number | null;
}

function toEntry(k: KeyRow, access: AccessData): KeyEntry | undefined {
  let owner: Principal['owner'];
  if (k.owner_type === 'user') {
    const u = access.users.get(k.owner_id);
    if (!u) return undefined; // owner left the organization: the key is dead, like an unknown one
    owner = { type: 'user', id: k.owner_id, name: u.name, email: u.email, role: u.role, created_at: u.added_at };
  } else {
    const s = access.serviceAccounts.get(k.owner_id);
    if (!s) return undefined;
    owner = { type: 'service_account', id: k.owner_id, name: s.name, role: s.role, created_at: s.created_at };
  }
  let dead: string | null = null;
  let permissions = NONE;
  if (k.kind === 'project' && k.project_id !== null) {
    const status = access.projectStatus.get(k.project_id);
    const held = projectPermissions(access, owner, k.project_id);
    if (status !== 'active') dead = 'project archived';
    else if (held === null) dead = 'owner no longer in the project';
    else permissions = held;
  }
  return {
    principal: { keyId: k.id, kind: k.kind, projectId: k.project_id, owner },
    expiresAt: k.expires_at === null ? null : Number(k.expires_at),
    dead,
    permissions,
    lastUsedAt: k.last_used_at === null ? null : Number(k.last_used_at),
  };
}
