import type { Kysely } from 'kysely';
import { PREDEFINED_ROLES } from '../../../core/access/roles.js';
import { withSeq } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withSeq(db, db.schema.createTable('groups'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('is_scim_managed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await withSeq(db, db.schema.createTable('group_users'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('group_users_group_user', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_users_user').on('group_users').column('user_id').execute();

  await withSeq(db, db.schema.createTable('project_groups'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('project_groups_project_group', ['project_id', 'group_id'])
    .execute();
  await db.schema.createIndex('project_groups_group').on('project_groups').column('group_id').execute();

  await withSeq(db, db.schema.createTable('roles'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('predefined', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint')
    .addColumn('updated_at', 'bigint')
    .addColumn('created_by', 'text')
    .addUniqueConstraint('roles_scope_name', ['scope', 'name'])
    .execute();

  // Assignments disappear with their user, group, project membership or project group; a role
  // cannot be deleted while assigned (no cascade on role_id).
  await withSeq(db, db.schema.createTable('role_assignments'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('principal_type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('role_assignments_project_user', ['project_id', 'user_id'], 'project_users', ['project_id', 'user_id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('role_assignments_project_group', ['project_id', 'group_id'], 'project_groups', ['project_id', 'group_id'], (fk) => fk.onDelete('cascade'))
    .addUniqueConstraint('role_assignments_user', ['scope', 'role_id', 'user_id'])
    .addUniqueConstraint('role_assignments_group', ['scope', 'role_id', 'group_id'])
    .execute();
  await db.schema.createIndex('role_assignments_user_id').on('role_assignments').column('user_id').execute();
  await db.schema.createIndex('role_assignments_group_id').on('role_assignments').column('group_id').execute();
  await db.schema.createIndex('role_assignments_role_id').on('role_assignments').column('role_id').execute();

  // Predefined roles: organization roles are scoped to the organization, project roles to every project.
  await db
    .insertInto('roles')
    .values(PREDEFINED_ROLES.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      permissions: JSON.stringify(r.permissions),
      resource_type: r.resource_type,
      scope: r.resource_type === 'api.organization' ? 'organization' : 'project',
      project_id: null,
      predefined: 1,
      created_at: null,
      updated_at: null,
      created_by: null,
    })))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
