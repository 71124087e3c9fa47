import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from 'typebox';
import Value from 'typebox/value';
import { ConfigError } from '../../config.js';
import { StringEnum } from '../../platform/schemas.js';
import type { CatalogModel, ModelCatalog, ModelRateLimits, ToolPrices } from './types.js';

export type { CatalogModel, ModelCatalog, ModelKind, ModelPrices, ModelRateLimits, ToolPrices } from './types.js';

/** The built-in catalog, shipped beside this file. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL('./default-catalog.json', import.meta.url));

/** Every rate-limit field a model may have, in the order the API shows them. */
export const RATE_LIMIT_FIELDS = [
  'max_requests_per_1_minute',
  'max_tokens_per_1_minute',
  'max_images_per_1_minute',
  'max_audio_megabytes_per_1_minute',
  'max_requests_per_1_day',
  'batch_1_day_max_input_tokens',
] as const satisfies ReadonlyArray<keyof ModelRateLimits>;

const Limit = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Price = Type.Number({ minimum: 0 });

const RateLimitsSchema = Type.Object(
  {
    // Every project rate-limit record carries these two.
    max_requests_per_1_minute: Limit,
    max_tokens_per_1_minute: Limit,
    max_images_per_1_minute: Type.Optional(Limit),
    max_audio_megabytes_per_1_minute: Type.Optional(Limit),
    max_requests_per_1_day: Type.Optional(Limit),
    batch_1_day_max_input_tokens: Type.Optional(Limit),
  },
  { additionalProperties: false },
);

const PricesSchema = Type.Object(
  {
    input: Type.Optional(Price),
    cached_input: Type.Optional(Price),
    output: Type.Optional(Price),
    audio_input: Type.Optional(Price),
    audio_output: Type.Optional(Price),
    image_input: Type.Optional(Price),
    image_output: Type.Optional(Price),
    per_image: Type.Optional(Type.Record(Type.String({ pattern: '^(default|[0-9]+x[0-9]+)$' }), Price, { additionalProperties: false })),
    per_minute: Type.Optional(Price),
    per_1m_characters: Type.Optional(Price),
    batch_discount: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

const ModelSchema = Type.Object(
  {
    // Model IDs become part of rate-limit IDs and URLs: a conservative character set.
    id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' }),
    kind: StringEnum(['chat', 'completion', 'embedding', 'image', 'audio_speech', 'audio_transcription', 'moderation'] as const),
    rate_limits: RateLimitsSchema,
    prices: PricesSchema,
  },
  { additionalProperties: false },
);

const ToolsSchema = Type.Object(
  {
    code_interpreter_session: Type.Optional(Price),
    file_search_per_1k_calls: Type.Optional(Price),
    web_search_per_1k_calls: Type.Optional(Price),
    vector_store_per_gb_day: Type.Optional(Price),
  },
  { additionalProperties: false },
);

/**
 * A catalog file. The built-in one lists every model; an operator file either `replace`s it
 * or `extend`s it (the default): its models are added, and one with an existing ID replaces that model;
 * its tool prices are merged field by field.
 */
const CatalogFileSchema = Type.Object(
  {
    mode: Type.Optional(StringEnum(['extend', 'replace'] as const)),
    models: Type.Optional(Type.Array(ModelSchema)),
    tools: Type.Optional(ToolsSchema),
  },
  { additionalProperties: false },
);
type CatalogFile = Static<typeof CatalogFileSchema>;

export function makeCatalog(models: CatalogModel[], tools: ToolPrices): ModelCatalog {
  const byId = new Map(models.map((m) => [m.id, m]));
  return { models, tools, get: (id) => byId.get(id) };
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** `/models/3/rate_limits/x` → where it is (naming the model by index and ID) and the field. */
function locate(data: unknown, pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  if (parts[0] === 'models' && parts.length >= 2) {
    const index = Number(parts[1]);
    const id = (data as { models: Array<{ id?: unknown }> }).models[index]?.id;
    const model = `models[${index}]${typeof id === 'string' ? ` (id "${id}")` : ''}`;
    return parts.length > 2 ? `${model}: field '${parts.slice(2).join('.')}'` : model;
  }
  return parts.length ? `field '${parts.join('.')}'` : 'the file';
}

function describe(data: unknown, err: SchemaError): string {
  switch (err.keyword) {
    case 'required':
      return `${locate(data, `${err.instancePath}/${(err.params.requiredProperties as string[])[0]}`)} is required`;
    case 'additionalProperties':
      return `${locate(data, `${err.instancePath}/${(err.params.additionalProperties as string[])[0]}`)} is not a known field`;
    case 'enum':
      return `${locate(data, err.instancePath)} must be one of ${(err.params.allowedValues as string[]).map((v) => `"${v}"`).join(', ')}`;
    default:
      return `${locate(data, err.instancePath)} ${err.message}`;
  }
}

/** Reads and validates one catalog file; throws a ConfigError naming the file, the model and the field. */
async function readCatalogFile(path: string): Promise<CatalogFile> {
  const fail = (message: string) => new ConfigError(`model catalog ${path}: ${message}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fail(`cannot be read (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw fail(`is not valid JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw fail('must be a JSON object');
  const errors = Value.Errors(CatalogFileSchema, data) as SchemaError[];
  if (errors.length) {
    // An unknown field is reported twice (`boolean` at its path, `additionalProperties` at its parent): keep the latter.
    const err = errors.find((e) => e.keyword !== 'boolean') ?? errors[0];
    throw fail(describe(data, err));
  }
  const file = data as CatalogFile;
  const seen = new Map<string, number>();
  (file.models ?? []).forEach((model, index) => {
    const first = seen.get(model.id);
    if (first !== undefined) throw fail(`models[${index}] (id "${model.id}"): field 'id' duplicates models[${first}]`);
    seen.set(model.id, index);
  });
  if (file.mode === 'replace' && !file.models?.length) throw fail(`field 'models' must list at least one model when 'mode' is "replace"`);
  return file;
}

/**
 * Loads the built-in catalog, replaced or extended by the operator file at `path` when given.
 * Extending keeps the built-in order; a model with an existing ID takes that model's place,
 * new models follow in file order.
 */
export async function loadCatalog(path?: string): Promise<ModelCatalog> {
  const base = await readCatalogFile(DEFAULT_CATALOG_PATH);
  let models = base.models ?? [];
  let tools: ToolPrices = base.tools ?? {};
  if (path !== undefined) {
    const file = await readCatalogFile(path);
    if (file.mode === 'replace') {
      models = file.models!;
      tools = file.tools ?? {};
    } else {
      const overrides = new Map((file.models ?? []).map((m) => [m.id, m]));
      const baseIds = new Set(models.map((m) => m.id));
      models = [...models.map((m) => overrides.get(m.id) ?? m), ...(file.models ?? []).filter((m) => !baseIds.has(m.id))];
      tools = { ...tools, ...file.tools };
    }
  }
  return makeCatalog(models as CatalogModel[], tools);
}
