import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Emails are compared case-insensitively (lower(), ASCII folding on both databases), and the
  // database enforces it: one user per email, one pending invite per email. Lookups by email use
  // these expression indexes (the queries write the same `lower(email)`).
  await sql`create unique index users_email_lower on users (lower(email))`.execute(db);
  // Duplicate pending invites made before this rule: the newest of each email stays.
  await sql`delete from invites where status = 'pending' and seq not in (select max(seq) from invites where status = 'pending' group by lower(email))`.execute(db);
  await sql`create unique index invites_pending_email_lower on invites (lower(email)) where status = 'pending'`.execute(db);
  await db.schema.dropIndex('invites_email').execute();
  // Lookups every mutation of their kind makes (listed in docs/behaviour.md, checked by
  // test/correctness/query-plans.test.ts): the owners (last-owner rule), the admin keys (last
  // live admin key rule), the Default project (invites).
  await db.schema.createIndex('users_role').on('users').column('role').execute();
  await db.schema.createIndex('api_keys_kind').on('api_keys').columns(['kind', 'expires_at']).execute();
  await db.schema.createIndex('projects_default').on('projects').column('is_default').execute();
  // modify-user's profile fields (the spec's `technical_level`, `developer_persona`): stored and returned.
  await db.schema.alterTable('users').addColumn('technical_level', 'text').execute();
  await db.schema.alterTable('users').addColumn('developer_persona', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
