import { type ChangeFeed, type ChangeVersions, readChangeVersions, watchChanges } from '../platform/db/changes.js';
import type { Database } from '../platform/db/database.js';
import type { AppContext } from './context.js';
import type { KeyService } from './keys/index.js';
import { KeyTable } from './keys/key-table.js';
import { LimitsTable } from './limits/effective.js';

/**
 * The in-memory tables both planes answer from — API keys with their principals and
 * permissions, and effective rate limits — kept current by the database's change feed: a change
 * committed by any replica is applied within about 250 ms (platform/db/changes.ts),
 * and by the replica that made it before it answers (refreshIfChanged).
 */
export class LiveTables {
  readonly keys: KeyTable;
  readonly limits: LimitsTable;
  private feed: ChangeFeed | undefined;
  private database: Database | undefined;
  /** The change versions the tables were last rebuilt at (read before the rebuild). */
  private built: ChangeVersions = { access: -1, limits: -1 };

  constructor(ctx: AppContext, keys: KeyService) {
    this.keys = new KeyTable(ctx.db, ctx.clock, keys);
    this.limits = new LimitsTable(ctx.db, ctx.catalog);
  }

  /** Loads both tables and starts following changes. `url`: the database URL (the change feed may open a connection of its own). */
  async start(database: Database, url: string, onError: (err: unknown) => void = () => undefined): Promise<this> {
    this.database = database;
    await this.refreshIfChanged();
    this.feed = await watchChanges(database, { url }, (names) => {
      if (names.includes('access')) this.keys.refresh().catch(onError);
      if (names.includes('limits')) this.limits.refresh().catch(onError);
    });
    return this;
  }

  /** Rebuilds both tables now. */
  async refreshNow(): Promise<void> {
    await Promise.all([this.keys.refresh(), this.limits.refresh()]);
  }

  /**
   * Rebuilds the tables whose change version moved since they were last rebuilt here: after a
   * request on this replica that may have changed something, before its response goes out (one
   * small query when nothing changed).
   */
  async refreshIfChanged(): Promise<void> {
    if (!this.database) return this.refreshNow();
    const now = await readChangeVersions(this.database);
    const jobs: Promise<void>[] = [];
    if (now.access !== this.built.access) jobs.push(this.keys.refresh().then(() => void (this.built.access = now.access)));
    if (now.limits !== this.built.limits) jobs.push(this.limits.refresh().then(() => void (this.built.limits = now.limits)));
    await Promise.all(jobs);
  }

  async close(): Promise<void> {
    await this.feed?.close();
  }
}
