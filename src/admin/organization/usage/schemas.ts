import { Type, type TSchema } from 'typebox';
import { Const, NullableBoolean, NullableNumber, NullableString, StringEnum } from '../../../platform/schemas.js';
import {
  CONTEXT_LEVELS, IMAGE_SIZES, IMAGE_SOURCES, KINDS, SERVICE_TIERS, USAGE_KINDS,
  type Counter, type Dimension, type FilterParam, type KindSpec, type UsageKind,
} from '../../../core/usage/kinds.js';

export const BUCKET_WIDTHS = ['1m', '1h', '1d'] as const;
export type BucketWidth = (typeof BUCKET_WIDTHS)[number];

const Id = Type.String({ minLength: 1, maxLength: 256 });
const IdList = (description: string) => Type.Optional(Type.Array(Id, { maxItems: 1000, description }));

const FILTER_SCHEMAS: Record<FilterParam, TSchema> = {
  project_ids: IdList('Only usage of these projects.'),
  user_ids: IdList('Only usage of these users.'),
  api_key_ids: IdList('Only usage of these API keys.'),
  models: IdList('Only usage of these models.'),
  sources: Type.Optional(Type.Array(StringEnum(IMAGE_SOURCES), { description: 'Only images of these sources.' })),
  sizes: Type.Optional(Type.Array(StringEnum(IMAGE_SIZES), { description: 'Only images of these sizes.' })),
  context_levels: Type.Optional(Type.Array(StringEnum(CONTEXT_LEVELS), { description: 'Only web searches of these context levels.' })),
  vector_store_ids: IdList('Only file searches of these vector stores.'),
};

/** Parameters every usage and costs endpoint shares. */
const timeRange = {
  start_time: Type.Integer({ minimum: 0, description: 'Start of the range (Unix seconds), inclusive.' }),
  end_time: Type.Optional(Type.Integer({ minimum: 0, description: 'End of the range (Unix seconds), exclusive; defaults to now.' })),
  limit: Type.Optional(Type.Integer({ description: 'Number of buckets to return (default and maximum depend on bucket_width).' })),
  page: Type.Optional(Type.String({ description: 'The `next_page` cursor of the previous response.' })),
};

export interface UsageQuery {
  start_time: number;
  end_time?: number;
  bucket_width: BucketWidth;
  limit?: number;
  page?: string;
  group_by?: string[];
  batch?: boolean;
  [filter: string]: unknown;
}

export function usageQuerySchema(spec: KindSpec) {
  const props: Record<string, TSchema> = {
    ...timeRange,
    bucket_width: StringEnum(BUCKET_WIDTHS, { default: '1d' }),
    group_by: Type.Optional(Type.Array(StringEnum(spec.groupBy as Dimension[]), { description: 'Fields to group by, in any combination.' })),
  };
  for (const f of spec.filters) props[f] = FILTER_SCHEMAS[f];
  if (spec.kind === 'completions') props.batch = Type.Optional(Type.Boolean({ description: 'Only batch (true) or only non-batch (false) usage.' }));
  return Type.Object(props);
}

export const COSTS_GROUP_BY = ['project_id', 'line_item', 'api_key_id'] as const;

export const CostsQuery = Type.Object({
  ...timeRange,
  bucket_width: StringEnum(['1d'] as const, { default: '1d' }),
  project_ids: IdList('Only costs of these projects.'),
  api_key_ids: IdList('Only costs of these API keys.'),
  group_by: Type.Optional(Type.Array(StringEnum(COSTS_GROUP_BY), { description: 'Fields to group by, in any combination.' })),
});

const COMPLETIONS_OUTPUT = [
  'input_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'input_uncached_tokens', 'output_tokens',
  'input_text_tokens', 'output_text_tokens', 'input_cached_text_tokens', 'input_audio_tokens', 'input_cached_audio_tokens',
  'output_audio_tokens', 'input_image_tokens', 'input_cached_image_tokens', 'output_image_tokens', 'num_model_requests',
] as const;

/** The counters a result of this kind shows, in the spec's order. */
export const outputCounters = (spec: KindSpec): readonly string[] => (spec.kind === 'completions' ? COMPLETIONS_OUTPUT : spec.counters);

export function resultSchema(spec: KindSpec) {
  const props: Record<string, TSchema> = { object: Const(spec.object) };
  for (const c of outputCounters(spec)) props[c] = Type.Integer();
  for (const d of spec.groupBy) props[d] = d === 'batch' ? NullableBoolean() : NullableString();
  return Type.Object(props);
}

export const CostsResult = Type.Object({
  object: Const('organization.costs.result'),
  amount: Type.Object({ value: Type.Number(), currency: Type.String() }),
  line_item: NullableString(),
  project_id: NullableString(),
  api_key_id: NullableString(),
  quantity: NullableNumber(),
  quantity_unit: NullableString(),
});

export const UsagePage = <T extends TSchema>(result: T) =>
  Type.Object({
    object: Const('page'),
    data: Type.Array(Type.Object({ object: Const('bucket'), start_time: Type.Integer(), end_time: Type.Integer(), results: Type.Array(result) })),
    has_more: Type.Boolean(),
    next_page: NullableString(),
  });

// ---- Ingestion (orgplane extension) ----

const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1e12, description });

const COUNTER_DOCS: Record<Counter, string> = {
  input_tokens: 'Input tokens, including cached and cache-write tokens, across text, audio and images.',
  output_tokens: 'Output tokens across text, audio and images.',
  input_cached_tokens: 'Cached input tokens (part of input_tokens).',
  input_cache_write_tokens: 'Input tokens written to the cache (part of input_tokens).',
  input_audio_tokens: 'Uncached audio input tokens (part of input_tokens).',
  input_cached_audio_tokens: 'Cached audio input tokens (part of input_cached_tokens).',
  input_image_tokens: 'Uncached image input tokens (part of input_tokens).',
  input_cached_image_tokens: 'Cached image input tokens (part of input_cached_tokens).',
  output_audio_tokens: 'Audio output tokens (part of output_tokens).',
  output_image_tokens: 'Image output tokens (part of output_tokens).',
  num_model_requests: 'Model requests; defaults to 1.',
  images: 'Images produced.',
  characters: 'Characters of speech input.',
  seconds: 'Seconds of audio transcribed.',
  usage_bytes: 'Bytes of vector storage held for a day.',
  num_sessions: 'Code interpreter sessions.',
  num_requests: 'Tool calls.',
};

const DIMENSION_SCHEMAS = {
  model: Type.String({ minLength: 1, maxLength: 256, description: 'The model used.' }),
  batch: Type.Boolean({ description: 'Whether the usage came from the Batch API; defaults to false.' }),
  service_tier: StringEnum(SERVICE_TIERS, { description: 'The service tier; defaults to "default".' }),
  size: StringEnum(IMAGE_SIZES),
  source: StringEnum(IMAGE_SOURCES),
  context_level: StringEnum(CONTEXT_LEVELS),
  vector_store_id: Type.String({ minLength: 1, maxLength: 256 }),
};

/** Dimensions a record may omit (they default or stay empty). */
const OPTIONAL_DIMENSIONS = new Set(['batch', 'service_tier', 'vector_store_id']);

function recordSchema(spec: KindSpec) {
  const props: Record<string, TSchema> = {
    kind: Const(spec.kind),
    id: Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7E]+$', description: 'Client-chosen record ID; a record whose ID was already ingested is skipped.' }),
    timestamp: Type.Integer({ minimum: 0, description: 'When the usage happened (Unix seconds).' }),
    project_id: Id,
    user_id: Type.Optional(Id),
    api_key_id: Type.Optional(Id),
  };
  for (const d of spec.recordDimensions) props[d] = OPTIONAL_DIMENSIONS.has(d) ? Type.Optional(DIMENSION_SCHEMAS[d]) : DIMENSION_SCHEMAS[d];
  for (const c of spec.counters) props[c] = spec.requiredCounters.includes(c) ? Count(COUNTER_DOCS[c]) : Type.Optional(Count(COUNTER_DOCS[c]));
  return Type.Object(props, { additionalProperties: false });
}

/** A usage record of any kind; `kind` selects the fields it must and may carry. */
export const UsageRecord = Type.Unsafe<IngestRecord>({
  type: 'object',
  required: ['kind'],
  properties: { kind: StringEnum(USAGE_KINDS) },
  // The validator reads `kind` and checks the record against that kind's schema only.
  discriminator: { propertyName: 'kind' },
  oneOf: USAGE_KINDS.map((k) => recordSchema(KINDS[k])),
});

/** A validated record as it arrives. */
export interface IngestRecord extends Partial<Record<Counter, number>> {
  kind: UsageKind;
  id: string;
  timestamp: number;
  project_id: string;
  user_id?: string;
  api_key_id?: string;
  model?: string;
  batch?: boolean;
  service_tier?: string;
  size?: string;
  source?: string;
  context_level?: string;
  vector_store_id?: string;
}

export const MAX_RECORDS_PER_BATCH = 200_000;

export const IngestBody = Type.Object(
  { records: Type.Array(UsageRecord, { minItems: 1, maxItems: MAX_RECORDS_PER_BATCH }) },
  { additionalProperties: false },
);

/** The body without its records' schema: the ingestion service checks the records, one slice at a time. */
export const IngestEnvelope = Type.Object(
  { records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_RECORDS_PER_BATCH }) },
  { additionalProperties: false },
);

export const IngestResult = Type.Object({
  object: Const('organization.usage.ingestion'),
  accepted: Type.Integer({ description: 'Records stored by this request.' }),
  duplicates: Type.Integer({ description: 'Records skipped because their ID had already been ingested.' }),
  unpriced: Type.Integer({ description: 'Stored records the model catalog has no price for (a model it does not know): they cost 0 until re-priced with `orgplane usage reprice`.' }),
});
export type IngestResult = { object: 'organization.usage.ingestion'; accepted: number; duplicates: number; unpriced: number };
/** What the ingestion service answers: the response, and (for the log) the models it could not price. */
export type IngestOutcome = IngestResult & { unpricedModels: string[] };
