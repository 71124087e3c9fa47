import type { FoundationTables } from './tables/foundation.js';

/**
 * The database as Kysely sees it: the union of each area's tables.
 * Each area declares its tables in `src/db/tables/<area>.ts` and adds them here.
 */
export interface DB extends FoundationTables {}
