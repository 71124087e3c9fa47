import { compose } from './compose.js';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, exitOnConfigError, loadConfig, readTls } from './config.js';
import { bootstrapOrganization, configuredKeyProblem } from './core/bootstrap/service.js';
import { loadCatalog, type ModelCatalog } from './core/catalog/index.js';
import { systemClock } from './platform/clock.js';
import { DatabaseUnavailable, openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { loadRoutes, type Routes } from './gateway/upstreams.js';
import { RedisSpendCounter } from './core/policies/spend-counter-redis.js';
import { databaseReadiness } from './platform/db/readiness.js';
import { Readiness } from './platform/health.js';
import { handleShutdownSignals } from './platform/lifecycle.js';
import { Metrics } from './platform/metrics.js';

/** What the process is configured with: the environment's settings, the upstream routes and the model catalog. */
export interface Startup {
  config: Config;
  routes: Routes | null;
  catalog: ModelCatalog;
}

/**
 * Reads and checks the whole configuration before anything is opened: every variable, the routes
 * file and the catalog file. A ConfigError lists every problem found, not just the first.
 */
export async function loadStartup(env: NodeJS.ProcessEnv = process.env): Promise<Startup> {
  const problems: string[] = [];
  /** `load`'s result, or undefined with its problems noted (`prefix` names the variable when its messages do not). */
  const collect = async <T>(load: () => T | Promise<T>, prefix = ''): Promise<T | undefined> => {
    try {
      return await load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems.map((p) => prefix + p));
      return undefined;
    }
  };
  const config = await collect(() => loadConfig(env));
  const routes = await collect(() => loadRoutes(env));
  const catalogPath = env.ORGPLANE_MODEL_CATALOG || undefined;
  const catalog = await collect(() => loadCatalog(catalogPath), catalogPath ? 'ORGPLANE_MODEL_CATALOG: ' : '');
  if (problems.length) throw new ConfigError(problems);
  return { config: config!, routes: routes!, catalog: catalog! };
}

/** The process: config → database (migrated) → catalog → compose (core services → live tables → admin API + gateway) → bootstrap → listen; SIGTERM/SIGINT. */
export async function serve({ config, routes, catalog }: Startup): Promise<void> {
  // HTTPS (ORGPLANE_TLS_CERT / ORGPLANE_TLS_KEY, checked by loadConfig): the files are read before anything else opens.
  const https = config.tlsCertFile ? readTls(config) : undefined;
  const metrics = new Metrics();
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database);
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
    https,
    alerts: { smtp: config.smtpUrl && config.smtpFrom ? { url: config.smtpUrl, from: config.smtpFrom } : undefined },
    console: { sessionTtlSeconds: config.consoleSessionSeconds },
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    onClose: () => database.close(),
  });

  const boot = await bootstrapOrganization(core, { adminKey: config.bootstrapAdminKey, ownerEmail: config.ownerEmail });
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
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    const { code, message } = err as NodeJS.ErrnoException;
    throw new StartFailure(`cannot listen on HOST ${config.host} PORT ${config.port} (${code ? `${code}: ` : ''}${message})`);
  }
}

/** A known reason the server cannot start (reported in one line, without a stack). */
class StartFailure extends Error {}

/**
 * Serves with the environment's configuration. A failure to start is reported without a stack:
 * configuration problems a line each, exit 78 (EX_CONFIG); a database that cannot be opened or
 * reached one line, exit 1. Anything else (a bug) with its stack, exit 1.
 */
export function serveFromEnvironment(): void {
  loadStartup()
    .then(serve)
    .catch((err) => {
      if (err instanceof ConfigError) exitOnConfigError(err);
      process.stderr.write(`orgplane: failed to start: ${err instanceof DatabaseUnavailable || err instanceof StartFailure ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
}

// `node dist/src/main.js` (npm start) serves; `orgplane serve` imports this module and calls serveFromEnvironment.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) serveFromEnvironment();
