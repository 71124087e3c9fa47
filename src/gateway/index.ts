import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { LiveTables } from '../core/live.js';
import { type Buckets, MemoryBuckets } from '../core/limits/buckets.js';
import { RedisBuckets } from '../core/limits/redis-buckets.js';
import { UsageRecorder } from '../core/usage/recorder.js';
import type { Core } from '../core/index.js';
import { ApiError } from '../platform/errors.js';
import { type AdmissionCheck, RateLimitCheck } from './admission.js';
import { Gateway } from './gateway.js';
import { policyChecks } from './policy-checks.js';
import { ResponseOwners } from './response-owners.js';
import { gatewayRoutes } from './routes.js';
import type { Routes } from './upstreams.js';

export interface DataPlaneOptions {
  core: Core;
  live: LiveTables;
  routes: Routes | null;
  log: FastifyBaseLogger;
  /** With a URL, rate limits are counted in Redis (shared by every replica); otherwise in memory. */
  redisUrl?: string;
  redisPrefix?: string;
  /** How often recorded usage is written (ms, default 1000). */
  usageFlushMs?: number;
  bodyLimit?: number;
  /** Checks that run after the rate limits (policies). */
  extraChecks?: AdmissionCheck[];
  /** Whether a project may see a model in `GET /v1/models` (policies). */
  modelVisible?: (projectId: string, modelId: string) => boolean;
  random?: () => number;
}

/** The data plane, assembled: the gateway, its admission checks, usage recorder and response owners. */
export class DataPlane {
  readonly gateway: Gateway;
  readonly recorder: UsageRecorder;
  readonly owners: ResponseOwners;
  readonly buckets: Buckets;
  readonly checks: AdmissionCheck[];

  constructor(private readonly o: DataPlaneOptions) {
    const { core: ctx, live, log } = o;
    const { ingestion } = ctx.usage;
    this.recorder = new UsageRecorder((records) => ingestion.record(records), {
      flushMs: o.usageFlushMs,
      onError: (err, n) => log.error({ err, records: n }, 'usage recording failed; will retry'),
      drop: (err) => err instanceof ApiError && err.status < 500,
    });
    this.owners = new ResponseOwners(ctx.database, () => ctx.clock.now(), (err) => log.error({ err }, 'response owner not stored'));
    this.buckets = o.redisUrl ? new RedisBuckets(o.redisUrl, o.redisPrefix) : new MemoryBuckets(() => ctx.clock.nowMs());
    // Permissions and retention before the rate limits (a refused request takes no tokens), spend limits after them.
    const [models, tools, retention, spend] = policyChecks(ctx.policies, () => ctx.catalog);
    this.checks = [models, tools, retention, new RateLimitCheck(live.limits, this.buckets), spend, ...(o.extraChecks ?? [])];
    this.gateway = new Gateway({
      catalog: ctx.catalog, clock: ctx.clock, keys: live.keys, recorder: this.recorder, owners: this.owners, routes: o.routes, checks: this.checks, log, random: o.random, metrics: ctx.metrics,
      // A project's model permissions decide what GET /v1/models lists to it.
      modelVisible: o.modelVisible ?? ((projectId, model) => ctx.policies.modelAllowed(projectId, model)),
    });
  }

  /** Registers the data-plane routes (call inside the /v1 prefix). */
  async register(app: FastifyInstance): Promise<void> {
    await app.register(gatewayRoutes, {
      gateway: this.gateway, keys: this.o.live.keys, owners: this.owners, clock: this.o.core.clock, bodyLimit: this.o.bodyLimit ?? 32 * 1024 * 1024,
      // Fastify's own per-request lines are left out: the gateway writes one access-log line per request.
      logLevel: 'warn',
    } as never);
  }

  async close(): Promise<void> {
    await this.recorder.close();
    await this.gateway.close();
    await this.buckets.close();
  }
}
