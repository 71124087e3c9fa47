import { loadCatalog } from '../core/catalog/index.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { systemClock } from '../platform/clock.js';
import { type AppContext, contextOf } from '../platform/context.js';
import { ApiError } from '../platform/errors.js';

/** Opens the configured database (DATABASE_URL), brings it up to date and builds the service context. */
export async function openContext(): Promise<{ ctx: AppContext; close: () => Promise<void> }> {
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const catalog = await loadCatalog(config.modelCatalogPath);
  return { ctx: contextOf(database, systemClock, catalog), close: () => database.close() };
}

/** Runs a command's main, printing failures (API errors with their parameter) on stderr. */
export function run(main: () => Promise<void>): void {
  main().catch((err) => {
    const message = err instanceof ApiError ? `${err.message}${err.param ? ` (${err.param})` : ''}` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`\nerror: ${message}\n`);
    process.exit(1);
  });
}

/** Reads `--name value` options. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export function intOption(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}
