import { sql } from 'kysely';
import type { ReadinessCheck } from '../health.js';
import type { Database } from './database.js';
import { pendingMigrations } from './migrate.js';

/** Readiness checks of the database: it answers a query, and it holds every migration of this version. */
export function databaseReadiness(database: Database): Record<'database' | 'migrations', ReadinessCheck> {
  return {
    database: async () => {
      await sql`select 1`.execute(database.db);
      return undefined;
    },
    migrations: async () => {
      const pending = await pendingMigrations(database);
      return pending.length ? `migrations not applied: ${pending.join(', ')}` : undefined;
    },
  };
}
