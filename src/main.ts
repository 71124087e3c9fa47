import { compose } from './compose.js';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, loadConfig } from './config.js';
import { bootstrapOrganization, configuredKeyProblem } from './core/bootstrap/service.js';
import { loadCatalog } from './core/catalog/index.js';
import { systemClock } from './platform/clock.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { loadRoutes } from './gateway/upstreams.js';
import { RedisSpendCounter } from './core/policies/spend-counter-redis.js';
import { databaseReadiness } from './platform/db/readiness.js';
import { Readiness } from './platform/health.js';
import { handleShutdownSignals } from './platform/lifecycle.js';
import { Metrics } from './platform/metrics.js';

/** The process: config → database (migrated) → catalog → compose (core services → live tables → admin API + gateway) → bootstrap → listen; SIGTERM/SIGINT. */
export async function serve(config: Config): Promise<void> {
  const routes = loadRoutes(process.env);
  const metrics = new Metrics();
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const catalog = await loadCatalog(config.modelCatalogPath);
  const readiness = new Readiness();
  for (const [name, check] of Object.entries(databaseReadiness(database))) readiness.add(name, check);
  // Upstream routes are read before anything else (a bad file stops the start); none configured is a
  // valid state (the data plane answers 503, the Administration API serves).
  readiness.add('upstreams', async () => undefined);
  const { core, admin: app } = await compose({
    database,
    clock: systemClock,
    catalog,
    usageCacheBytes: config.usageCacheBytes,
    // With REDIS_URL, replicas share one spend counter (hard spend limits hold across them).
    spendCounter: config.redisUrl ? new RedisSpendCounter(config.redisUrl) : undefined,
    metrics,
    readiness,
    metricsToken: config.metricsToken,
    live: { url: config.databaseUrl, onError: (err) => process.stderr.write(`orgplane: refreshing keys or limits failed: ${String(err)}\n`) },
    gateway: { routes, redisUrl: config.redisUrl, bodyLimit: config.gatewayBodyLimit },
    bodyLimit: config.bodyLimit,
    alerts: { smtp: config.smtpUrl && config.smtpFrom ? { url: config.smtpUrl, from: config.smtpFrom } : undefined },
    console: { sessionTtlSeconds: config.consoleSessionSeconds },
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    onClose: () => database.close(),
  });

  const boot = await bootstrapOrganization(core, { adminKey: config.bootstrapAdminKey, ownerEmail: process.env.ORGPLANE_OWNER_EMAIL || undefined });
  if (boot) {
    // A generated key is shown once, on the terminal only (never through the logger); a key given
    // in ORGPLANE_ADMIN_KEY is never printed back.
    const key = config.bootstrapAdminKey ? 'the key given in ORGPLANE_ADMIN_KEY' : `${boot.adminKey} (shown once, store it now)`;
    process.stdout.write(
      `\norgplane: new organization ${boot.organizationId} bootstrapped.\n` +
        `  Default project: ${boot.defaultProjectId}\n` +
        `  Admin API key: ${key}\n\n`,
    );
  }
  if (!boot && config.bootstrapAdminKey) {
    const problem = await configuredKeyProblem(core, config.bootstrapAdminKey);
    if (problem) {
      await app.close();
      throw new ConfigError(problem);
    }
  }

  handleShutdownSignals(app, readiness, { drainDelayMs: config.drainDelayMs });
  await app.listen({ port: config.port, host: config.host });
}

/** Serves with the environment's configuration; a failure to start is one line on stderr and exit 1. */
export function serveFromEnvironment(): void {
  Promise.resolve()
    .then(() => serve(loadConfig()))
    .catch((err) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`orgplane: configuration error: ${err.message}\n`);
      } else {
        process.stderr.write(`orgplane: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
      }
      process.exit(1);
    });
}

// `node dist/src/main.js` (npm start) serves; `orgplane serve` imports this module and calls serveFromEnvironment.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) serveFromEnvironment();
