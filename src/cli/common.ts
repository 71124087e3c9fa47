import { loadCatalog } from '../core/catalog/index.js';
import { type Config, ConfigError, exitOnConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { systemClock } from '../platform/clock.js';
import { type Core, createCore } from '../core/index.js';
import { ApiError } from '../platform/errors.js';

/** A failure a command reports as one line on stderr (no stack), with its exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Opens the configured database (DATABASE_URL), brings it up to date and builds the core services. */
export async function openCore(config: Config = loadConfig()): Promise<{ core: Core; close: () => Promise<void> }> {
  const database = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database);
    const catalog = await loadCatalog(config.modelCatalogPath);
    return { core: createCore({ database, clock: systemClock, catalog }), close: () => database.close() };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** The message a command prints for an error: API errors with their parameter, others their message (no stack). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return `${err.message}${err.param ? ` (${err.param})` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Wraps a command's action: a failure is `orgplane: error: …` on stderr and its exit code (1 unless
 * said); configuration problems are a line each and exit 78, as when the server starts.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof ConfigError) exitOnConfigError(err);
      process.stderr.write(`\norgplane: error: ${errorMessage(err)}\n`);
      process.exit(err instanceof CliError ? err.exitCode : 1);
    }
  };
}

/** Parses a positive integer option value (commander argParser), naming the option when it is not one. */
export function positiveInt(name: string, min = 1): (raw: string) => number {
  return (raw: string) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min) throw new CliError(`${name} must be an integer ≥ ${min}, got "${raw}"`, 2);
    return value;
  };
}
