import { Type, type TSchema } from 'typebox';
import { Const, named, NullableBoolean, NullableNumber, NullableString, StringEnum } from '../../../platform/schemas.js';
import {
  CONTEXT_LEVELS, IMAGE_SIZES, IMAGE_SOURCES, type Dimension, type FilterParam, KINDS, type KindSpec, outputCounters, USAGE_KINDS, type UsageKind,
} from '../../../core/usage/kinds.js';
import { MAX_RECORDS_PER_BATCH, UsageRecord } from '../../../core/usage/records.js';

export { type IngestRecord, UsageRecord } from '../../../core/usage/records.js';

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

export function resultSchema(spec: KindSpec) {
  const props: Record<string, TSchema> = { object: Const(spec.object) };
  for (const c of outputCounters(spec)) props[c] = Type.Integer();
  for (const d of spec.groupBy) props[d] = d === 'batch' ? NullableBoolean() : NullableString();
  return Type.Object(props);
}

const pascal = (kind: string) => kind.split('_').map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');

/** Each kind's result object, named as OpenAI's document names it (`UsageCompletionsResult`, …). */
const usageResult = (kind: UsageKind) => named(`Usage${pascal(kind)}Result`, resultSchema(KINDS[kind]));
export const UsageResults = Object.fromEntries(USAGE_KINDS.map((kind) => [kind, usageResult(kind)])) as Record<UsageKind, ReturnType<typeof usageResult>>;

export const CostsResult = named('CostsResult', Type.Object({
  object: Const('organization.costs.result'),
  amount: Type.Object({ value: Type.Number(), currency: Type.String() }),
  line_item: NullableString(),
  project_id: NullableString(),
  api_key_id: NullableString(),
  quantity: NullableNumber(),
  quantity_unit: NullableString(),
}));

export const UsagePage = <T extends TSchema>(result: T) =>
  Type.Object({
    object: Const('page'),
    data: Type.Array(Type.Object({ object: Const('bucket'), start_time: Type.Integer(), end_time: Type.Integer(), results: Type.Array(result) })),
    has_more: Type.Boolean(),
    next_page: NullableString(),
  });

export const IngestBody = named('UsageRecordsIngestRequest', Type.Object(
  { records: Type.Array(UsageRecord, { minItems: 1, maxItems: MAX_RECORDS_PER_BATCH }) },
  { additionalProperties: false },
));

/** The body without its records' schema: the records are checked one slice at a time (RecordValidator). */
export const IngestEnvelope = Type.Object(
  { records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_RECORDS_PER_BATCH }) },
  { additionalProperties: false },
);

export const IngestResult = named('UsageRecordsIngestResponse', Type.Object({
  object: Const('organization.usage.ingestion'),
  accepted: Type.Integer({ description: 'Records stored by this request.' }),
  duplicates: Type.Integer({ description: 'Records skipped because their ID had already been ingested.' }),
  unpriced: Type.Integer({ description: 'Stored records the model catalog has no price for (a model it does not know): they cost 0 until re-priced with `orgplane usage reprice`.' }),
}));
