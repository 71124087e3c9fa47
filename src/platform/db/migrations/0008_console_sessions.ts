import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Console sessions: the SHA-256 of the session ID (the cookie's value), the admin key it stands
  // for (its ID, never the key), its CSRF token and when it ends. In the database so that every
  // replica of orgplane knows every session.
  await db.schema
    .createTable('console_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_key_id').on('console_sessions').column('key_id').execute();
  await db.schema.createIndex('console_sessions_expires_at').on('console_sessions').column('expires_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
