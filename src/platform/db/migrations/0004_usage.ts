import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

const COUNTERS = [
  'input_tokens', 'output_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'input_audio_tokens',
  'input_cached_audio_tokens', 'input_image_tokens', 'input_cached_image_tokens', 'output_audio_tokens',
  'output_image_tokens', 'num_model_requests', 'images', 'characters', 'seconds', 'usage_bytes', 'num_sessions', 'num_requests',
];

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  // On SQLite the keyed tables are clustered on their key (WITHOUT ROWID): a range of buckets is one contiguous scan.
  const clustered = pg ? sql`` : sql`without rowid`;
  const serial = <T extends string>(t: CreateTableBuilder<T, never>) =>
    pg ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity()) : t.addColumn('id', 'integer', (c) => c.primaryKey());

  // IDs of ingested records, so that a retried record is not counted twice.
  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .modifyEnd(clustered)
    .execute();

  // Each distinct combination of a kind and its grouping dimensions, numbered.
  await serial(db.schema.createTable('usage_dims'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('api_key_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    .addColumn('service_tier', 'text', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('context_level', 'text', (c) => c.notNull())
    .addColumn('vector_store_id', 'text', (c) => c.notNull())
    .addUniqueConstraint('usage_dims_tuple', ['kind', 'project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'])
    .execute();

  for (const table of ['usage_1m', 'usage_1h', 'usage_1d', 'usage_projects_1h', 'usage_projects_1d']) {
    let t: CreateTableBuilder<string, string> = db.schema
      .createTable(table)
      .addColumn('kind', 'smallint', (c) => c.notNull())
      .addColumn('bucket_start', 'bigint', (c) => c.notNull())
      .addColumn('dim_id', 'integer', (c) => c.notNull());
    for (const n of COUNTERS) t = t.addColumn(n, 'bigint', (c) => c.notNull());
    await t.addPrimaryKeyConstraint(`${table}_pk`, ['kind', 'bucket_start', 'dim_id']).modifyEnd(clustered).execute();
  }

  // Each distinct priced line of a project (and API key), numbered.
  await serial(db.schema.createTable('usage_cost_items'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('api_key_id', 'text', (c) => c.notNull())
    .addColumn('line_item', 'text', (c) => c.notNull())
    .addColumn('quantity_unit', 'text', (c) => c.notNull())
    .addUniqueConstraint('usage_cost_items_tuple', ['project_id', 'api_key_id', 'line_item', 'quantity_unit'])
    .execute();

  for (const table of ['usage_costs_1d', 'usage_costs_projects_1d']) {
    await db.schema
      .createTable(table)
      .addColumn('bucket_start', 'bigint', (c) => c.notNull())
      .addColumn('item_id', 'integer', (c) => c.notNull())
      .addColumn('amount', 'double precision', (c) => c.notNull())
      .addColumn('quantity', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['bucket_start', 'item_id'])
      .modifyEnd(clustered)
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
