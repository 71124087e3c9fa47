import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

/** The changes mutations announce (see migration 0007): keys and permissions, and rate limits. */
export type ChangeName = 'access' | 'limits';
const NAMES: readonly ChangeName[] = ['access', 'limits'];

export interface ChangeFeed {
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** PostgreSQL: the connection URL (the feed holds one connection of its own, LISTENing). */
  url?: string;
  /** SQLite: how often the change versions are read (default 250 ms). */
  pollMs?: number;
}

export type ChangeVersions = Record<ChangeName, number>;

/** The current version of each change (it moves whenever a change is committed; it may move without one). */
export async function readChangeVersions(database: Database): Promise<ChangeVersions> {
  if (database.dialect === 'sqlite') {
    const rows = await database.db.selectFrom('change_versions').select(['name', 'version']).execute();
    const byName = new Map(rows.map((r) => [r.name, Number(r.version)]));
    return { access: byName.get('access') ?? 0, limits: byName.get('limits') ?? 0 };
  }
  const { rows } = await sql<{ access: number; limits: number }>`select
    (select case when is_called then last_value else 0 end from orgplane_access_changes) as access,
    (select case when is_called then last_value else 0 end from orgplane_limits_changes) as limits`.execute(database.db);
  return { access: Number(rows[0].access), limits: Number(rows[0].limits) };
}

/**
 * Calls `onChange` with the names of the changes committed since the last call, by any process
 * on this database: on SQLite by polling the version row each change's triggers bump, on
 * PostgreSQL by LISTEN on the channel the triggers NOTIFY (delivered at commit). When the feed
 * may have missed something (a lost connection, a failed poll), it reports every change.
 */
export async function watchChanges(database: Database, options: ChangeFeedOptions, onChange: (names: readonly ChangeName[]) => void): Promise<ChangeFeed> {
  if (database.dialect === 'sqlite') {
    let last = await readChangeVersions(database);
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      readChangeVersions(database).then(
        (now) => {
          const changed = NAMES.filter((n) => now[n] !== last[n]);
          last = now;
          if (changed.length > 0) onChange(changed);
        },
        () => onChange(NAMES),
      ).finally(() => (busy = false));
    }, options.pollMs ?? 250);
    timer.unref();
    return { close: async () => clearInterval(timer) };
  }

  if (!options.url) throw new Error('watchChanges: PostgreSQL needs the connection URL');
  const schema = database.schema ?? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0].s;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const reconnectLater = () => {
    if (closed) return;
    retry = setTimeout(() => void connect().then(() => onChange(NAMES), reconnectLater), 250);
    retry.unref();
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: options.url });
    c.on('notification', (msg) => {
      const payload = msg.payload ?? '';
      const colon = payload.lastIndexOf(':');
      if (payload.slice(0, colon) !== schema) return;
      const name = payload.slice(colon + 1) as ChangeName;
      if (NAMES.includes(name)) onChange([name]);
    });
    const lost = () => {
      if (closed || client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      reconnectLater();
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query('LISTEN orgplane_changes');
    } catch (err) {
      c.end().catch(() => undefined);
      throw err;
    }
    client = c;
  };
  await connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
