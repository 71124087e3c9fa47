import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Metrics } from '../platform/metrics.js';
import { AccessService } from './access/service.js';
import type { ModelCatalog } from './catalog/index.js';
import type { AppContext } from './context.js';
import { KeyService } from './keys/index.js';
import { Policies } from './policies/index.js';
import { MemorySpendCounter, type SpendCounter } from './policies/spend-counter.js';
import { createUsage, type Usage } from './usage/index.js';

export type { AppContext } from './context.js';

/**
 * The domain services both planes use, constructed once (createCore) and handed to the admin API
 * (and the gateway). They hold whatever state outlives a request (caches, tuple numbers, writes
 * under way); nothing is kept at module level.
 */
export interface Core extends AppContext {
  /** Resolve a presented secret to its principal, record its use, issue keys. */
  keys: KeyService;
  /** Effective permissions; authorize(principal, permission, projectId?). */
  access: AccessService;
  /** The one usage ingestion service, the usage and costs queries. */
  usage: Usage;
  /** The policies the data plane obeys (spend limits, model / tool permissions, data retention), held in memory. */
  policies: Policies;
}

export interface CoreOptions {
  database: Database;
  clock: Clock;
  catalog: ModelCatalog;
  /** Memory the usage and costs results kept between requests may take, in bytes (default 256 MiB; 0: none kept). */
  usageCacheBytes?: number;
  /** The spend counter replicas share (default: one in this process's memory). */
  spendCounter?: SpendCounter;
  /** The process's metrics (built in main.ts); default: a registry of its own, without process metrics. */
  metrics?: Metrics;
}

export function createCore(options: CoreOptions): Core {
  const { database, clock, catalog } = options;
  // One context object, which every service reads its clock and catalog from (at use time).
  const metrics = options.metrics ?? new Metrics({ process: false });
  metrics.watchDatabase(() => database.stats());
  const core = { database, db: database.db, clock, catalog, metrics } as Core;
  core.keys = new KeyService(core);
  core.access = new AccessService(core);
  core.usage = createUsage(core, options.usageCacheBytes);
  core.policies = new Policies({ db: database.db, clock, catalog, counter: options.spendCounter ?? new MemorySpendCounter() });
  return core;
}
