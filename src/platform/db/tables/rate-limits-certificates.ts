import type { Generated } from 'kysely';

/**
 * A project's overrides of its rate limits for one catalog model. Fields left null follow the
 * catalog's organization-level default; projects without overrides have no rows.
 */
export interface ProjectRateLimitTable {
  project_id: string;
  model: string;
  max_requests_per_1_minute: number | null;
  max_tokens_per_1_minute: number | null;
  max_images_per_1_minute: number | null;
  max_audio_megabytes_per_1_minute: number | null;
  max_requests_per_1_day: number | null;
  batch_1_day_max_input_tokens: number | null;
  updated_at: number;
}

export interface CertificateTable {
  seq: Generated<number>;
  id: string;
  name: string | null;
  /** The certificate in canonical PEM form. */
  content: string;
  valid_at: number;
  expires_at: number;
  created_at: number;
  /** Active at the organization level (0/1). */
  active: number;
}

/** A certificate active for a project: one row per (project, certificate); inactive = no row. */
export interface ProjectCertificateTable {
  project_id: string;
  certificate_id: string;
  activated_at: number;
}

export interface RateLimitsCertificatesTables {
  project_rate_limits: ProjectRateLimitTable;
  certificates: CertificateTable;
  project_certificates: ProjectCertificateTable;
}
