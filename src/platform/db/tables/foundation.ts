import type { Generated } from 'kysely';

// Timestamps are Unix seconds. `seq` gives every listable row a stable creation order
// that cursor pagination (`after` / `before` = object ID) walks.

export interface OrganizationTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UserTable {
  seq: Generated<number>;
  id: string;
  name: string;
  email: string;
  role: 'owner' | 'reader';
  added_at: number;
}

export interface InviteTable {
  seq: Generated<number>;
  id: string;
  email: string;
  role: 'owner' | 'reader';
  status: 'pending' | 'accepted';
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  /** JSON array of `{id, role}`. */
  projects: string;
}

export interface ProjectTable {
  seq: Generated<number>;
  id: string;
  name: string;
  created_at: number;
  archived_at: number | null;
  status: 'active' | 'archived';
  external_key_id: string | null;
  residency: string | null;
  is_default: number;
}

export interface ProjectUserTable {
  seq: Generated<number>;
  project_id: string;
  user_id: string;
  /** `viewer` (an orgplane extension) holds the predefined read-only project role. */
  role: 'owner' | 'member' | 'viewer';
  added_at: number;
}

export interface ServiceAccountTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  name: string;
  /** `none`: created with `create_service_account_only` (no project role yet). */
  role: 'owner' | 'member' | 'none';
  created_at: number;
}

export interface ApiKeyTable {
  seq: Generated<number>;
  id: string;
  /** `admin` keys act on the organization; `project` keys belong to one project. */
  kind: 'admin' | 'project';
  name: string | null;
  /** SHA-256 of the secret; the secret itself is never stored. */
  hash: string;
  redacted_value: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  project_id: string | null;
  owner_type: 'user' | 'service_account';
  owner_id: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  type: string;
  effective_at: number;
  project_id: string | null;
  project_name: string | null;
  /** JSON of the `actor` object. */
  actor: string | null;
  /** Owner of the acting key (user or service account ID). */
  actor_id: string | null;
  /** The acting API key's ID. */
  actor_key_id: string | null;
  actor_email: string | null;
  resource_id: string | null;
  /** JSON of the event-type-specific details (the value under the key named after `type`). */
  details: string;
}

export interface FoundationTables {
  organization: OrganizationTable;
  users: UserTable;
  invites: InviteTable;
  projects: ProjectTable;
  project_users: ProjectUserTable;
  service_accounts: ServiceAccountTable;
  api_keys: ApiKeyTable;
  audit_logs: AuditLogTable;
}
