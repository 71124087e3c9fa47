// Usage: the IDs of ingested records, and rollups of their counters per bucket and group.
// A group is a numbered tuple of dimensions (usage_dims, usage_cost_items); dimension columns
// hold '' (never NULL) when they do not apply, so that the tuple can be unique.

/** The ID of one ingested record (a retried record is recognised by it). */
export interface UsageRecordTable {
  id: string;
  received_at: number;
}

/** The grouping dimensions of a kind of usage. */
export interface UsageDimsTable {
  id: number;
  kind: string;
  project_id: string;
  /** '' in the per-project projections, which omit users and keys. */
  user_id: string;
  api_key_id: string;
  model: string;
  /** 0 or 1. */
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

export interface UsageRollupTable extends UsageCounters {
  /** Position of the kind in the usage module's USAGE_KINDS. */
  kind: number;
  bucket_start: number;
  dim_id: number;
}

/** A priced line of a project and API key. */
export interface UsageCostItemTable {
  id: number;
  project_id: string;
  /** '' in the per-project projection. */
  api_key_id: string;
  line_item: string;
  /** '' when the line has no single unit. */
  quantity_unit: string;
}

/** Daily costs, priced when the usage was ingested. */
export interface UsageCostTable {
  bucket_start: number;
  item_id: number;
  /** USD. */
  amount: number;
  quantity: number;
}

/** The version of a day's usage, bumped by every ingestion that touches the day. */
export interface UsageDayVersionTable {
  day_start: number;
  version: number;
}

export interface UsageTables {
  usage_records: UsageRecordTable;
  usage_dims: UsageDimsTable;
  usage_1m: UsageRollupTable;
  usage_1h: UsageRollupTable;
  usage_1d: UsageRollupTable;
  usage_projects_1h: UsageRollupTable;
  usage_projects_1d: UsageRollupTable;
  usage_cost_items: UsageCostItemTable;
  usage_costs_1d: UsageCostTable;
  usage_costs_projects_1d: UsageCostTable;
  usage_day_versions: UsageDayVersionTable;
}
