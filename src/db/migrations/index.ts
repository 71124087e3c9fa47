import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';

/**
 * All schema migrations, in order. Names sort lexically; append new ones with the next number.
 * Migrations are written once against Kysely's schema builder and run on both dialects.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
};
