import type { Generated } from 'kysely';

export interface GroupTable {
  seq: Generated<number>;
  id: string;
  name: string;
  created_at: number;
  is_scim_managed: number;
}

export interface GroupUserTable {
  seq: Generated<number>;
  group_id: string;
  user_id: string;
  added_at: number;
}

/** Groups with access to a project. */
export interface ProjectGroupTable {
  seq: Generated<number>;
  project_id: string;
  group_id: string;
  created_at: number;
}

export interface RoleTable {
  seq: Generated<number>;
  id: string;
  name: string;
  description: string | null;
  /** JSON array of permission strings. Predefined roles take theirs from the permission catalog. */
  permissions: string;
  resource_type: 'api.organization' | 'api.project';
  /** Where the name is unique: `organization`, `project` (predefined project roles) or a project ID. */
  scope: string;
  /** The project of a custom project role. */
  project_id: string | null;
  predefined: number;
  created_at: number | null;
  updated_at: number | null;
  /** ID of the user or service account that created the role. */
  created_by: string | null;
}

/** A role given to a user or a group, in the organization (`scope` = `organization`) or one project (`scope` = project ID). */
export interface RoleAssignmentTable {
  seq: Generated<number>;
  id: string;
  role_id: string;
  scope: string;
  project_id: string | null;
  principal_type: 'user' | 'group';
  user_id: string | null;
  group_id: string | null;
  created_at: number;
}

export interface AccessControlTables {
  groups: GroupTable;
  group_users: GroupUserTable;
  project_groups: ProjectGroupTable;
  roles: RoleTable;
  role_assignments: RoleAssignmentTable;
}
