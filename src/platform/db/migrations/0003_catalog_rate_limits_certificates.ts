import type { Kysely } from 'kysely';
import { withSeq } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('project_rate_limits')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('max_requests_per_1_minute', 'bigint')
    .addColumn('max_tokens_per_1_minute', 'bigint')
    .addColumn('max_images_per_1_minute', 'bigint')
    .addColumn('max_audio_megabytes_per_1_minute', 'bigint')
    .addColumn('max_requests_per_1_day', 'bigint')
    .addColumn('batch_1_day_max_input_tokens', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_rate_limits_pk', ['project_id', 'model'])
    .execute();

  await withSeq(db, db.schema.createTable('certificates'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('valid_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('project_certificates')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('certificate_id', 'text', (c) => c.notNull().references('certificates.id').onDelete('cascade'))
    .addColumn('activated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_certificates_pk', ['project_id', 'certificate_id'])
    .execute();
  await db.schema.createIndex('project_certificates_certificate').on('project_certificates').column('certificate_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
