import { Type, type TSchema } from 'typebox';
import { Const, StringEnum } from '../../platform/schemas.js';
import { validatorCompiler } from '../../platform/validation.js';
import { validationError } from '../../platform/errors.js';
import { yieldToEventLoop } from '../../platform/yield.js';
import {
  CONTEXT_LEVELS, IMAGE_SIZES, IMAGE_SOURCES, KINDS, SERVICE_TIERS, USAGE_KINDS,
  type Counter, type KindSpec, type UsageKind,
} from './kinds.js';

/** Usage records: what one is (schema and type), and the check of untrusted ones. */

export const MAX_RECORDS_PER_BATCH = 200_000;

const Id = Type.String({ minLength: 1, maxLength: 256 });

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



/** What ingesting a batch did. */
export type IngestResult = { object: 'organization.usage.ingestion'; accepted: number; duplicates: number; unpriced: number };
/** What the ingestion service answers: the response, and (for the log) the models it could not price. */
export type IngestOutcome = IngestResult & { unpricedModels: string[] };

/** Records checked between two yields to the event loop. */
const SLICE = 1000;

type Validator = ((data: unknown) => unknown) & { errors?: unknown[] | null };

/**
 * Checks untrusted records (a request body's, a file's) against UsageRecord, a slice at a time with
 * yields in between, so that a big batch does not hold up other requests. Errors name the record
 * (`records[i]...`) as the ingestion endpoint reports them. Compiled once (it takes tens of milliseconds).
 */
export class RecordValidator {
  private readonly record: Validator = validatorCompiler({ schema: UsageRecord, method: 'POST', url: '', httpPart: 'body' }) as Validator;

  async validate(records: unknown[]): Promise<IngestRecord[]> {
    const { record } = this;
    for (let i = 0; i < records.length; i++) {
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
      if (record(records[i]) === true) continue;
      const errors = (record.errors ?? []) as Array<{ instancePath: string }>;
      throw validationError(errors.map((e) => ({ ...e, instancePath: `/records/${i}${e.instancePath}` })) as never[], 'body');
    }
    return records as IngestRecord[];
  }
}
