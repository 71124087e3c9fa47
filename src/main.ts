import { compose } from './compose.js';
import { ConfigError, loadConfig } from './config.js';
import { bootstrapOrganization } from './core/bootstrap/service.js';
import { loadCatalog } from './core/catalog/index.js';
import { systemClock } from './platform/clock.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { loadRoutes } from './gateway/upstreams.js';

/** The process: config → database (migrated) → catalog → compose (core services → live tables → admin API + gateway) → bootstrap → listen; SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const routes = loadRoutes(process.env);
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const catalog = await loadCatalog(config.modelCatalogPath);
  const { core, admin: app } = await compose({
    database,
    clock: systemClock,
    catalog,
    usageCacheBytes: config.usageCacheBytes,
    live: { url: config.databaseUrl, onError: (err) => process.stderr.write(`orgplane: refreshing keys or limits failed: ${String(err)}\n`) },
    gateway: { routes, redisUrl: config.redisUrl, bodyLimit: config.gatewayBodyLimit },
    bodyLimit: config.bodyLimit,
    console: { sessionTtlSeconds: config.consoleSessionSeconds },
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    onClose: () => database.close(),
  });

  const boot = await bootstrapOrganization(core, { adminKey: config.bootstrapAdminKey, ownerEmail: process.env.ORGPLANE_OWNER_EMAIL || undefined });
  if (boot) {
    // Shown once, on the terminal only; it never goes through the logger.
    process.stdout.write(
      `\norgplane: new organization ${boot.organizationId} bootstrapped.\n` +
        `  Default project: ${boot.defaultProjectId}\n` +
        `  Admin API key (shown once, store it now): ${boot.adminKey}\n\n`,
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`orgplane: configuration error: ${err.message}\n`);
  } else {
    process.stderr.write(`orgplane: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});
