import type { ConsoleTables } from './tables/console.js';
import type { AccessControlTables } from './tables/access-control.js';
import type { FoundationTables } from './tables/foundation.js';
import type { GatewayTables } from './tables/gateway.js';
import type { RateLimitsCertificatesTables } from './tables/rate-limits-certificates.js';
import type { UsageTables } from './tables/usage.js';

/**
 * The database as Kysely sees it: the union of each area's tables.
 * Each area declares its tables in `src/platform/db/tables/<area>.ts`.
 */
export interface DB extends FoundationTables, AccessControlTables, RateLimitsCertificatesTables, UsageTables, GatewayTables, ConsoleTables {}
