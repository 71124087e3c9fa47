import type { Generated } from 'kysely';

/** A hard spend limit; `scope_id` is the organization's ID or a project's ID. */
export interface SpendLimitTable {
  scope_id: string;
  /** Cents. */
  threshold_amount: number;
  currency: string;
  interval: string;
  updated_at: number;
}

export interface SpendAlertTable {
  seq: Generated<number>;
  id: string;
  /** The organization's ID or a project's ID. */
  scope_id: string;
  /** Cents. */
  threshold_amount: number;
  currency: string;
  interval: string;
  /** JSON array of email addresses. */
  recipients: string;
  subject_prefix: string | null;
  created_at: number;
  updated_at: number;
}

/** The organization's setting (scope_id = organization ID) or a project's. Absent: the default. */
export interface DataRetentionTable {
  scope_id: string;
  type: string;
  updated_at: number;
}

/** Absent: no restriction. */
export interface ProjectModelPermissionsTable {
  project_id: string;
  mode: 'allow_list' | 'deny_list';
  /** JSON array of model IDs. */
  model_ids: string;
  updated_at: number;
}

/** Absent: every tool enabled. Columns are 0/1. */
export interface ProjectHostedToolPermissionsTable {
  project_id: string;
  file_search: number;
  web_search: number;
  image_generation: number;
  mcp: number;
  code_interpreter: number;
  updated_at: number;
}

/** A spend-alert email due or sent: one per alert and month. */
export interface SpendAlertOutboxTable {
  seq: Generated<number>;
  alert_id: string;
  /** `YYYY-MM` (UTC). */
  month: string;
  /** JSON array of email addresses. */
  recipients: string;
  subject: string;
  body: string;
  /** pending: to send (or being sent, while `locked_until` is ahead); sent: the SMTP server accepted it; logged: no SMTP configured, written to the log instead. */
  status: 'pending' | 'sent' | 'logged';
  /** Delivery attempts started. */
  attempts: number;
  /** Unix seconds: not sent before (back-off after a failed attempt). */
  next_attempt_at: number;
  created_at: number;
  /** Unix seconds: when it was sent (or logged). */
  sent_at: number | null;
  last_error: string | null;
  /** Unix seconds: a replica is sending it until then (migration 0015); null: nobody is. */
  locked_until: number | null;
}

export interface PolicyVersionTable {
  id: number;
  version: number;
}

export interface PolicyTables {
  spend_limits: SpendLimitTable;
  spend_alerts: SpendAlertTable;
  data_retention: DataRetentionTable;
  project_model_permissions: ProjectModelPermissionsTable;
  project_hosted_tool_permissions: ProjectHostedToolPermissionsTable;
  spend_alert_outbox: SpendAlertOutboxTable;
  policy_version: PolicyVersionTable;
}
