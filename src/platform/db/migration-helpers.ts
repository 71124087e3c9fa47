import type { CreateTableBuilder, Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

export { isPostgres };

/** Adds the `seq` column: an auto-incrementing primary key giving rows their creation order. */
export function withSeq<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'seq'> {
  return isPostgres(db)
    ? table.addColumn('seq', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
}
