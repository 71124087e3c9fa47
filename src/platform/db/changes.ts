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

/**
 * Calls `onChange` with the names of the changes committed since the last call, by any process
 * on this database: on SQLite by polling the version row each change's triggers bump, on
 * PostgreSQL by LISTEN on the channel the triggers NOTIFY (delivered at commit). When the feed
 * may have missed something (a lost connection, a failed poll), it reports every change.
 */
export async function watchChanges(database: Database, options: ChangeFeedOptions, onChange: (names: readonly ChangeName[]) => void): Promise<ChangeFeed> {
  if (database.dialect === 'sqlite') {
    const read = async () => {
      const rows = await database.db.selectFrom('change_versions').select(['name', 'version']).execute();
      return new Map(rows.map((r) => [r.name, Number(r.version)]));
    };
    let last = await read();
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      read().then(
        (now) => {
          const changed = NAMES.filter((n) => now.get(n) !== last.get(n));
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
