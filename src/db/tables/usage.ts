// Usage records and their rollups. Dimension columns hold '' (never NULL) when they do not
// apply, so that they can be part of a primary key and an upsert conflict target.

/** One ingested usage record, kept for idempotency (its client-chosen `id`) and audit. */
export interface UsageRecordTable {
  id: string;
  kind: string;
  /** When the usage happened (Unix seconds). */
  ts: number;
  project_id: string;
  received_at: number;
  /** The validated record as JSON. */
  record: string;
}

/** The grouping dimensions of every usage rollup. */
export interface UsageDimensions {
  kind: string;
  bucket_start: number;
  project_id: string;
  /** '' in the per-project projections, which omit users and keys. */
  user_id: string;
  api_key_id: string;
  model: string;
  batch: number;
  service_tier: string;
  size: string;
  source: string;
  context_level: string;
  vector_store_id: string;
}

/** Summed counters; each kind uses its own subset (see the usage module's kinds). */
export interface UsageCounters {
  input_tokens: number;
  output_tokens: number;
  input_cached_tokens: number;
  input_cache_write_tokens: number;
  input_audio_tokens: number;
  input_cached_audio_tokens: number;
  input_image_tokens: number;
  input_cached_image_tokens: number;
  output_audio_tokens: number;
  output_image_tokens: number;
  num_model_requests: number;
  images: number;
  characters: number;
  seconds: number;
  usage_bytes: number;
  num_sessions: number;
  num_requests: number;
}

export type UsageRollupTable = UsageDimensions & UsageCounters;

/** Daily costs, priced when the usage was ingested. */
export interface UsageCostTable {
  bucket_start: number;
  project_id: string;
  /** '' in the per-project projection. */
  api_key_id: string;
  line_item: string;
  quantity_unit: string;
  /** USD. */
  amount: number;
  quantity: number;
}

export interface UsageTables {
  usage_records: UsageRecordTable;
  usage_1m: UsageRollupTable;
  usage_1h: UsageRollupTable;
  usage_1d: UsageRollupTable;
  usage_projects_1h: UsageRollupTable;
  usage_projects_1d: UsageRollupTable;
  usage_costs_1d: UsageCostTable;
  usage_costs_projects_1d: UsageCostTable;
}
