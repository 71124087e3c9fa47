import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric orgplane exports, defined in this one place (listed in
 * docs/operations.md). One Metrics object is built in the composition root and handed to whatever
 * records; each has its own registry (no module-level state), so tests build their own.
 *
 * Label values must come from bounded sets: route templates (never raw paths), methods, status
 * codes, object IDs of projects (created by administrators) and catalog model names — never key
 * values, user input or request paths.
 */
export class Metrics {
  readonly registry = new Registry();

  // --- Every HTTP request (admin API, gateway, console) ---------------------------------------
  /** Requests answered, by route template (`/v1/organization/projects/:project_id`), method and status. */
  readonly httpRequests = new Counter({
    name: 'orgplane_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'orgplane_http_request_duration_seconds',
    help: 'Time from a request\'s arrival to its response, by route template, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  // --- Usage ingestion (one service: endpoint, import, demo, gateway) -------------------------
  readonly ingestBatches = new Counter({
    name: 'orgplane_usage_ingest_batches_total',
    help: 'Usage batches handled by the ingestion service, by outcome (stored, rejected).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly ingestRecords = new Counter({
    name: 'orgplane_usage_ingest_records_total',
    help: 'Usage records of stored batches, by result: accepted (stored) or duplicate (ID already stored, skipped).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly ingestUnpriced = new Counter({
    name: 'orgplane_usage_ingest_unpriced_records_total',
    help: 'Usage records stored whose model the catalog does not know: they cost 0 until re-priced (orgplane usage reprice).',
    registers: [this.registry],
  });
  readonly ingestLag = new Histogram({
    name: 'orgplane_usage_ingest_lag_seconds',
    help: 'Per stored batch: age of its newest record (now minus the record\'s timestamp) when the batch was stored.',
    buckets: [1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400],
    registers: [this.registry],
  });

  // --- Database ---------------------------------------------------------------------------------
  /** Set by the composition root: sample the database's queues when scraped. */
  private dbSampler: (() => DatabaseSample) | undefined;
  readonly dbWriterQueue = new Gauge({
    name: 'orgplane_db_writer_queue_depth',
    help: 'Embedded database: write scripts queued for its bulk-write connection, plus those it is running.',
    registers: [this.registry],
    collect: () => this.sampleDb(),
  });
  readonly dbPoolConnections = new Gauge({
    name: 'orgplane_db_pool_connections',
    help: 'Database server: connections of the pool, by state (total, idle, waiting: clients queued for a connection).',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => this.sampleDb(),
  });

  // --- Data plane (gateway): defined here, incremented by the gateway --------------------------
  readonly gatewayRequests = new Counter({
    name: 'orgplane_gateway_requests_total',
    help: 'Data-plane requests answered, by project ID, model (catalog name, or "unknown") and status code.',
    labelNames: ['project', 'model', 'status'] as const,
    registers: [this.registry],
  });
  readonly gatewayUpstreamDuration = new Histogram({
    name: 'orgplane_gateway_upstream_duration_seconds',
    help: 'Time the upstream provider took to answer (to the end of the response), by model.',
    labelNames: ['model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly gatewayUpstreamErrors = new Counter({
    name: 'orgplane_gateway_upstream_errors_total',
    help: 'Upstream failures, by model and reason (connect, timeout, status_5xx, status_429, protocol: cut off mid-answer).',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly gatewayAddedLatency = new Histogram({
    name: 'orgplane_gateway_added_latency_seconds',
    help: 'Time orgplane adds to a data-plane request: total time minus the upstream\'s.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly gatewayRateLimitRefusals = new Counter({
    name: 'orgplane_gateway_rate_limit_refusals_total',
    help: 'Data-plane requests refused by a rate limit, by project ID and limit (requests, tokens, …).',
    labelNames: ['project', 'limit'] as const,
    registers: [this.registry],
  });
  readonly gatewaySpendLimitRefusals = new Counter({
    name: 'orgplane_gateway_spend_limit_refusals_total',
    help: 'Data-plane requests refused by a spend limit, by project ID.',
    labelNames: ['project'] as const,
    registers: [this.registry],
  });

  // --- Spend alerts -------------------------------------------------------------------------
  readonly spendAlertEmails = new Counter({
    name: 'orgplane_spend_alert_emails_total',
    help: 'Spend-alert emails, by outcome: sent (accepted by the SMTP server), failed (an attempt failed; retried), logged (no SMTP configured).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(options: { process?: boolean } = {}) {
    // Process metrics (CPU, memory, event-loop lag, GC, handles), prefixed like the rest.
    if (options.process !== false) collectDefaultMetrics({ register: this.registry, prefix: 'orgplane_' });
  }

  /** Where the database gauges read from (set once the database is open). */
  watchDatabase(sample: () => DatabaseSample): void {
    this.dbSampler = sample;
  }

  private sampleDb(): void {
    const sample = this.dbSampler?.();
    if (!sample) return;
    if (sample.writerQueue !== undefined) this.dbWriterQueue.set(sample.writerQueue);
    if (sample.pool) for (const [state, n] of Object.entries(sample.pool)) this.dbPoolConnections.set({ state }, n);
  }

  /** The text exposition format, and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The database's queues, as Database.stats() gives them. */
export interface DatabaseSample {
  writerQueue?: number;
  pool?: { total: number; idle: number; waiting: number };
}
