import { _, Ajv, type KeywordCxt, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { inlineShared, type SharedSchemas } from './schemas.js';

const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

/** The largest integer orgplane accepts anywhere: exact in JavaScript, and inside a 64-bit integer column. */
export const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * Input the databases cannot store is refused by validation, before any query: every string the
 * schemas declare is checked for NUL characters (a text column of some databases cannot hold them) and every
 * integer for a value outside ±MAX_INTEGER (beyond bigint, or not exact). The keywords are added to
 * each schema node at compile time (see `guarded`), so no route has to ask for them.
 */
function withStorageKeywords(ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: 'storableString',
    type: 'string',
    schemaType: 'boolean',
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data}.indexOf("\\u0000") !== -1`),
  });
  ajv.addKeyword({
    keyword: 'storableInteger',
    type: 'number',
    schemaType: 'boolean',
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data} > ${MAX_INTEGER} || ${cxt.data} < ${-MAX_INTEGER}`),
  });
  return ajv;
}

// Bodies are JSON and must carry the right types ("42" is not 42). Query strings and path
// parameters arrive as text and are coerced (`limit=5` → 5, a single `ids=a` → ["a"]).
// `discriminator` lets a oneOf whose branches are told apart by a property (e.g. a usage
// record's `kind`) check the one matching branch instead of all of them.
const bodyAjv = withStorageKeywords(addFormats.default(new Ajv({ ...common, coerceTypes: false, discriminator: true })));
const textAjv = withStorageKeywords(addFormats.default(new Ajv({ ...common, coerceTypes: 'array' })));

const types = (node: Record<string, unknown>): unknown[] => (Array.isArray(node.type) ? node.type : [node.type]);

/** A copy of `schema` whose every string node refuses NUL characters and every integer node out-of-range values. */
function guarded(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(guarded);
  if (!schema || typeof schema !== 'object') return schema;
  const node: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `enum`/`const`/`default`/`examples` hold values, not schemas.
    node[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : guarded(value);
  }
  const t = types(node);
  if (t.includes('string')) node.storableString = true;
  if (t.includes('integer')) node.storableInteger = true;
  return node;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Query strings as clients write them, whatever the spelling: an array parameter given as one
 * comma-joined value (`group_by=project_id,model`), repeated (`group_by=a&group_by=b`) or with
 * brackets (`group_by[]=a`) is the same list; a boolean may be `true`/`True`/`TRUE`/`1`/`yes`/`on`
 * (or their opposites). Works on the top-level properties of the query schema, in place.
 */
function queryNormalizer(schema: unknown): ((data: unknown) => void) | undefined {
  const properties = (schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  if (!properties) return undefined;
  const lists: string[] = [];
  const booleans: string[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    const t = types(prop);
    if (t.includes('array') && types((prop.items ?? {}) as Record<string, unknown>).includes('string')) lists.push(name);
    else if (t.includes('boolean')) booleans.push(name);
  }
  if (lists.length === 0 && booleans.length === 0) return undefined;
  return (data) => {
    if (!data || typeof data !== 'object') return;
    const query = data as Record<string, unknown>;
    for (const name of lists) {
      const value = query[name];
      if (typeof value === 'string') query[name] = value.split(',').map((s) => s.trim());
      else if (Array.isArray(value)) query[name] = value.flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [v]));
    }
    for (const name of booleans) {
      const value = query[name];
      if (typeof value !== 'string') continue;
      const lower = value.toLowerCase();
      if (TRUE.has(lower)) query[name] = true;
      else if (FALSE.has(lower)) query[name] = false;
    }
  };
}

/**
 * Fastify validator compiler (given the shared schemas: a reference to one is checked as the schema
 * itself, see inlineShared): strict for bodies, coercing for text inputs; every part refuses what
 * the database cannot store; query strings are normalised first (see queryNormalizer). The result
 * behaves as an Ajv validate function (returns a boolean, sets `errors`).
 */
export const buildValidator = (shared: SharedSchemas = {}): FastifySchemaCompiler<any> => ({ schema, httpPart }) => {
  const checked = guarded(inlineShared(schema, shared));
  const validate = (httpPart === 'body' ? bodyAjv : textAjv).compile(checked as object);
  const normalize = httpPart === 'querystring' ? queryNormalizer(checked) : undefined;
  if (!normalize) return validate as ReturnType<FastifySchemaCompiler<any>>;
  const check = ((data: unknown) => {
    normalize(data);
    const ok = validate(data);
    check.errors = validate.errors;
    return ok;
  }) as ((data: unknown) => boolean) & { errors?: typeof validate.errors };
  return check as ReturnType<FastifySchemaCompiler<any>>;
};

/** The validator compiler for schemas that use no shared schema. */
export const validatorCompiler: FastifySchemaCompiler<any> = buildValidator();
