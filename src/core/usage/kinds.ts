import type { UsageCounters } from '../../platform/db/tables/usage.js';

/** The kinds of usage, each served by one `/organization/usage/<kind>` endpoint. */
export const USAGE_KINDS = [
  'completions', 'embeddings', 'moderations', 'images', 'audio_speeches', 'audio_transcriptions',
  'vector_stores', 'code_interpreter_sessions', 'file_search_calls', 'web_search_calls',
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

export type Counter = keyof UsageCounters;

/** Every counter column, in storage order. */
export const COUNTERS: readonly Counter[] = [
  'input_tokens', 'output_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'input_audio_tokens',
  'input_cached_audio_tokens', 'input_image_tokens', 'input_cached_image_tokens', 'output_audio_tokens',
  'output_image_tokens', 'num_model_requests', 'images', 'characters', 'seconds', 'usage_bytes', 'num_sessions', 'num_requests',
];

/** Grouping dimensions (columns of the rollups). `batch` is stored as 0/1. */
export const DIMENSIONS = ['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier', 'size', 'source', 'context_level', 'vector_store_id'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const IMAGE_SOURCES = ['image.generation', 'image.edit', 'image.variation'] as const;
export const IMAGE_SIZES = ['256x256', '512x512', '1024x1024', '1792x1792', '1024x1792'] as const;
export const CONTEXT_LEVELS = ['low', 'medium', 'high'] as const;
export const SERVICE_TIERS = ['default', 'flex', 'scale', 'priority'] as const;

/** Query filters: parameter name → the dimension it restricts. */
export const FILTERS = {
  project_ids: 'project_id',
  user_ids: 'user_id',
  api_key_ids: 'api_key_id',
  models: 'model',
  sources: 'source',
  sizes: 'size',
  context_levels: 'context_level',
  vector_store_ids: 'vector_store_id',
} as const satisfies Record<string, Dimension>;
export type FilterParam = keyof typeof FILTERS;

export interface KindSpec {
  kind: UsageKind;
  operationId: string;
  /** The result's `object`. */
  object: string;
  /** Stored counters the endpoint sums. */
  counters: readonly Counter[];
  /** Counters a record must carry; the other counters default to 0 (`num_model_requests` to 1). */
  requiredCounters: readonly Counter[];
  /** Grouping fields the result shows (null unless grouped by), in the spec's order; also the allowed `group_by` values. */
  groupBy: readonly Dimension[];
  /** List filters the endpoint accepts (besides `batch` for completions). */
  filters: readonly FilterParam[];
  /** Dimensions a record of this kind carries besides project, user and API key. */
  recordDimensions: readonly ('model' | 'batch' | 'service_tier' | 'size' | 'source' | 'context_level' | 'vector_store_id')[];
}

const PER_MODEL = ['project_id', 'user_id', 'api_key_id', 'model'] as const;
const MODEL_FILTERS = ['project_ids', 'user_ids', 'api_key_ids', 'models'] as const;

export const KINDS: Record<UsageKind, KindSpec> = {
  completions: {
    kind: 'completions',
    operationId: 'usage-completions',
    object: 'organization.usage.completions.result',
    counters: COUNTERS.slice(0, 11),
    requiredCounters: ['input_tokens', 'output_tokens'],
    groupBy: [...PER_MODEL, 'batch', 'service_tier'],
    filters: MODEL_FILTERS,
    recordDimensions: ['model', 'batch', 'service_tier'],
  },
  embeddings: {
    kind: 'embeddings',
    operationId: 'usage-embeddings',
    object: 'organization.usage.embeddings.result',
    counters: ['input_tokens', 'num_model_requests'],
    requiredCounters: ['input_tokens'],
    groupBy: PER_MODEL,
    filters: MODEL_FILTERS,
    recordDimensions: ['model'],
  },
  moderations: {
    kind: 'moderations',
    operationId: 'usage-moderations',
    object: 'organization.usage.moderations.result',
    counters: ['input_tokens', 'num_model_requests'],
    requiredCounters: ['input_tokens'],
    groupBy: PER_MODEL,
    filters: MODEL_FILTERS,
    recordDimensions: ['model'],
  },
  images: {
    kind: 'images',
    operationId: 'usage-images',
    object: 'organization.usage.images.result',
    counters: ['images', 'num_model_requests'],
    requiredCounters: ['images'],
    groupBy: ['size', 'source', ...PER_MODEL],
    filters: ['sources', 'sizes', ...MODEL_FILTERS],
    recordDimensions: ['model', 'size', 'source'],
  },
  audio_speeches: {
    kind: 'audio_speeches',
    operationId: 'usage-audio-speeches',
    object: 'organization.usage.audio_speeches.result',
    counters: ['characters', 'num_model_requests'],
    requiredCounters: ['characters'],
    groupBy: PER_MODEL,
    filters: MODEL_FILTERS,
    recordDimensions: ['model'],
  },
  audio_transcriptions: {
    kind: 'audio_transcriptions',
    operationId: 'usage-audio-transcriptions',
    object: 'organization.usage.audio_transcriptions.result',
    counters: ['seconds', 'num_model_requests'],
    requiredCounters: ['seconds'],
    groupBy: PER_MODEL,
    filters: MODEL_FILTERS,
    recordDimensions: ['model'],
  },
  vector_stores: {
    kind: 'vector_stores',
    operationId: 'usage-vector-stores',
    object: 'organization.usage.vector_stores.result',
    counters: ['usage_bytes'],
    requiredCounters: ['usage_bytes'],
    groupBy: ['project_id'],
    filters: ['project_ids'],
    recordDimensions: [],
  },
  code_interpreter_sessions: {
    kind: 'code_interpreter_sessions',
    operationId: 'usage-code-interpreter-sessions',
    object: 'organization.usage.code_interpreter_sessions.result',
    counters: ['num_sessions'],
    requiredCounters: ['num_sessions'],
    groupBy: ['project_id'],
    filters: ['project_ids'],
    recordDimensions: [],
  },
  file_search_calls: {
    kind: 'file_search_calls',
    operationId: 'usage-file-search-calls',
    object: 'organization.usage.file_searches.result',
    counters: ['num_requests'],
    requiredCounters: ['num_requests'],
    groupBy: ['project_id', 'user_id', 'api_key_id', 'vector_store_id'],
    filters: ['project_ids', 'user_ids', 'api_key_ids', 'vector_store_ids'],
    recordDimensions: ['vector_store_id'],
  },
  web_search_calls: {
    kind: 'web_search_calls',
    operationId: 'usage-web-search-calls',
    object: 'organization.usage.web_searches.result',
    counters: ['num_model_requests', 'num_requests'],
    requiredCounters: ['num_requests'],
    groupBy: [...PER_MODEL, 'context_level'],
    filters: [...MODEL_FILTERS, 'context_levels'],
    recordDimensions: ['model', 'context_level'],
  },
};

const COMPLETIONS_OUTPUT = [
  'input_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'input_uncached_tokens', 'output_tokens',
  'input_text_tokens', 'output_text_tokens', 'input_cached_text_tokens', 'input_audio_tokens', 'input_cached_audio_tokens',
  'output_audio_tokens', 'input_image_tokens', 'input_cached_image_tokens', 'output_image_tokens', 'num_model_requests',
] as const;

/** The counters a result of this kind shows, in the spec's order. */
export const outputCounters = (spec: KindSpec): readonly string[] => (spec.kind === 'completions' ? COMPLETIONS_OUTPUT : spec.counters);
