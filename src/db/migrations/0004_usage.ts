import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

const DIMENSIONS = ['project_id', 'user_id', 'api_key_id', 'model', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'];
const COUNTERS = [
  'input_tokens', 'output_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'input_audio_tokens',
  'input_cached_audio_tokens', 'input_image_tokens', 'input_cached_image_tokens', 'output_audio_tokens',
  'output_image_tokens', 'num_model_requests', 'images', 'characters', 'seconds', 'usage_bytes', 'num_sessions', 'num_requests',
];

export async function up(db: Kysely<any>): Promise<void> {
  // On SQLite the rollups are clustered on their key (WITHOUT ROWID): a range of buckets is one contiguous scan.
  const clustered = isPostgres(db) ? sql`` : sql`without rowid`;

  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .execute();

  for (const table of ['usage_1m', 'usage_1h', 'usage_1d', 'usage_projects_1h', 'usage_projects_1d']) {
    let t: CreateTableBuilder<string, string> = db.schema
      .createTable(table)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('bucket_start', 'bigint', (c) => c.notNull())
      .addColumn('batch', 'integer', (c) => c.notNull());
    for (const d of DIMENSIONS) t = t.addColumn(d, 'text', (c) => c.notNull());
    for (const n of COUNTERS) t = t.addColumn(n, 'bigint', (c) => c.notNull());
    await t
      .addPrimaryKeyConstraint(`${table}_pk`, ['kind', 'bucket_start', 'project_id', 'model', 'user_id', 'api_key_id', 'batch', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'])
      .modifyEnd(clustered)
      .execute();
  }

  for (const table of ['usage_costs_1d', 'usage_costs_projects_1d']) {
    await db.schema
      .createTable(table)
      .addColumn('bucket_start', 'bigint', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('api_key_id', 'text', (c) => c.notNull())
      .addColumn('line_item', 'text', (c) => c.notNull())
      .addColumn('quantity_unit', 'text', (c) => c.notNull())
      .addColumn('amount', 'double precision', (c) => c.notNull())
      .addColumn('quantity', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['bucket_start', 'project_id', 'line_item', 'api_key_id'])
      .modifyEnd(clustered)
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
