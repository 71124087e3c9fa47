import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * Serialises the transactions that check an organization-wide rule and then write (the last owner,
 * the last live admin key, one pending invite per email, bootstrap itself): called first in such a
 * transaction, it returns once no other such transaction is running, and the lock holds until this
 * one ends. What the transaction then reads stays true until it commits.
 *
 * PostgreSQL: a transaction-scoped advisory lock keyed by the current schema (one organization per
 * schema; it works on an empty database too, which a row lock cannot). SQLite: a statement that
 * writes nothing but takes the database's one write lock at once, so that a transaction of another
 * connection (another replica on the same file) waits for it instead of interleaving.
 */
export async function lockOrganization(tx: Kysely<any>): Promise<void> {
  if (isPostgres(tx)) {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema()), ${ORGANIZATION_LOCK})`.execute(tx);
  } else {
    await sql`update organization set name = name where 1 = 0`.execute(tx);
  }
}

/**
 * Holds usage ingestion back until the transaction ends, for a transaction that reads the usage
 * rollups and writes what follows from them (re-pricing): batches already writing commit first,
 * and none commits in between. PostgreSQL: a SHARE lock on usage_1d, which every batch writes
 * (ROW EXCLUSIVE) before its costs. SQLite: the one write lock, as lockOrganization takes it.
 */
export async function lockUsageWrites(tx: Kysely<any>): Promise<void> {
  if (isPostgres(tx)) {
    await sql`lock table usage_1d in share mode`.execute(tx);
  } else {
    await sql`update organization set name = name where 1 = 0`.execute(tx);
  }
}

/** The advisory lock's second key (the first is the schema's hash): orgplane's organization lock. */
const ORGANIZATION_LOCK = 0x6f7267; // "org"
