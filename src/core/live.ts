import { type ChangeFeed, watchChanges } from '../platform/db/changes.js';
import type { Database } from '../platform/db/database.js';
import type { AppContext } from './context.js';
import type { KeyService } from './keys/index.js';
import { KeyTable } from './keys/key-table.js';
import { LimitsTable } from './limits/effective.js';

/**
 * The in-memory tables both planes answer from — API keys with their principals and
 * permissions, and effective rate limits — kept current by the database's change feed: a change
 * committed by any replica is applied within about 250 ms (platform/db/changes.ts),
 * and by the replica that made it before it answers (refreshNow).
 */
export class LiveTables {
  readonly keys: KeyTable;
  readonly limits: LimitsTable;
  private feed: ChangeFeed | undefined;

  constructor(ctx: AppContext, keys: KeyService) {
    this.keys = new KeyTable(ctx.db, ctx.clock, keys);
    this.limits = new LimitsTable(ctx.db, ctx.catalog);
  }

  /** Loads both tables and starts following changes. `url`: the database URL (the change feed may open a connection of its own). */
  async start(database: Database, url: string, onError: (err: unknown) => void = () => undefined): Promise<this> {
    await this.refreshNow();
    this.feed = await watchChanges(database, { url }, (names) => {
      if (names.includes('access')) this.keys.refresh().catch(onError);
      if (names.includes('limits')) this.limits.refresh().catch(onError);
    });
    return this;
  }

  /** Rebuilds both tables now (after a mutation on this replica, before its response goes out). */
  async refreshNow(): Promise<void> {
    await Promise.all([this.keys.refresh(), this.limits.refresh()]);
  }

  async close(): Promise<void> {
    await this.feed?.close();
  }
}
