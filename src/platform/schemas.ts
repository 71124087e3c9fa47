import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

const DEFINITION = Symbol('named schema definition');

/**
 * A schema served under a name (the served OpenAPI document's `components.schemas.<name>`): a
 * reference `{"$ref": "<name>#"}`, typed as the schema, that routes and other schemas use in its
 * place. The definition (the schema with `$id: name`) rides along, invisible to JSON (a symbol
 * key): the app registers it once with `addSchema` (see `definitionsIn`), so validation, the
 * serializer and the document all resolve the reference to it.
 */
export function named<T extends TSchema>(name: string, schema: T): TUnsafe<Static<T>> {
  const reference = Type.Unsafe<Static<T>>({ $ref: `${name}#` });
  Object.defineProperty(reference, DEFINITION, { value: { ...schema, $id: name }, enumerable: false });
  return reference;
}

/** Shared schemas (added with `addSchema`) by `$id`, as Fastify hands them to its compilers. */
export type SharedSchemas = Record<string, unknown>;

/**
 * A copy of `schema` in which every reference to a shared schema (`Name#`) is that schema itself
 * (without its `$id`): one self-contained schema, as if it had been written inline.
 */
export function inlineShared(schema: unknown, shared: SharedSchemas): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlineShared(item, shared));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  const target = typeof ref === 'string' ? shared[ref.endsWith('#') ? ref.slice(0, -1) : ref] : undefined;
  if (target) {
    const { $id: _id, ...inlined } = target as Record<string, unknown>;
    return inlineShared(inlined, shared);
  }
  const copy: Record<string, unknown> = {};
  // `enum`/`const`/`default`/`examples` hold values, not schemas.
  for (const [key, value] of Object.entries(schema)) copy[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : inlineShared(value, shared);
  return copy;
}

/** The definitions (`$id` schemas) of the named schemas among the exports of `modules`, each once. */
export function definitionsIn(modules: readonly object[]): Array<TSchema & { $id: string }> {
  const found = new Map<string, TSchema & { $id: string }>();
  for (const module of modules) {
    for (const value of Object.values(module)) {
      const definition = value && typeof value === 'object' ? (value as { [DEFINITION]?: TSchema & { $id: string } })[DEFINITION] : undefined;
      if (!definition) continue;
      const seen = found.get(definition.$id);
      if (seen && seen !== definition) throw new Error(`two schemas are named ${definition.$id}`);
      found.set(definition.$id, definition);
    }
  }
  return [...found.values()];
}

// Nullable primitives as `type: [T, "null"]`: one JSON-schema keyword that both the
// validator and the fast serializer handle directly (no anyOf branch trials).
export const NullableString = (opts: object = {}): TUnsafe<string | null> => Type.Unsafe<string | null>({ type: ['string', 'null'], ...opts });
export const NullableInteger = (opts: object = {}): TUnsafe<number | null> => Type.Unsafe<number | null>({ type: ['integer', 'null'], ...opts });
export const NullableNumber = (opts: object = {}): TUnsafe<number | null> => Type.Unsafe<number | null>({ type: ['number', 'null'], ...opts });
export const NullableBoolean = (opts: object = {}): TUnsafe<boolean | null> => Type.Unsafe<boolean | null>({ type: ['boolean', 'null'], ...opts });

/** A string enum (`{type: string, enum: [...]}`), typed as the union of its values. */
export const StringEnum = <const T extends readonly string[]>(values: T, opts: object = {}): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });

/** A fixed string such as an `object` field. */
export const Const = <const T extends string>(value: T): TUnsafe<T> => Type.Unsafe<T>({ type: 'string', enum: [value] });

/** Unix seconds. */
export const UnixTime = (opts: Record<string, unknown> = {}) => Type.Integer(opts);

export const ErrorResponse = named(
  'ErrorResponse',
  Type.Object({
    error: Type.Object({
      message: Type.String(),
      type: Type.String(),
      param: NullableString(),
      code: NullableString(),
    }),
  }),
);

/** `{object: "list", data, first_id, last_id, has_more}`. */
export const CursorList = <T extends TSchema>(item: T) =>
  Type.Object({
    object: Const('list'),
    data: Type.Array(item),
    first_id: NullableString(),
    last_id: NullableString(),
    has_more: Type.Boolean(),
  });

/** `{object: "list", data, has_more, next}`: lists whose cursor is the `next` ID. */
export const NextList = <T extends TSchema>(item: T) =>
  Type.Object({
    object: Const('list'),
    data: Type.Array(item),
    has_more: Type.Boolean(),
    next: NullableString(),
  });

/** Query of a `next`-cursor list: `limit` 0..maximum, `after` and `order`, with the operation's defaults. */
export const NextListQuery = (opts: { limit: number; maximum: number; order: 'asc' | 'desc' }) =>
  Type.Object({
    limit: Type.Integer({ minimum: 0, maximum: opts.maximum, default: opts.limit, description: 'A limit on the number of objects to be returned.' }),
    after: Type.Optional(After()),
    order: StringEnum(['asc', 'desc'] as const, { default: opts.order }),
  });

/** `{id, object, deleted: true}` deletion confirmations. */
export const Deleted = <const T extends string>(object: T) =>
  Type.Object({ object: Const(object), id: Type.String(), deleted: Type.Boolean() });

/** Path parameter: a non-empty ID. */
export const IdParam = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });

/** `limit` as most admin list endpoints define it: 1..100, default 20. */
export const Limit = (opts: { default?: number; maximum?: number } = {}) =>
  Type.Integer({ minimum: 1, maximum: opts.maximum ?? 100, default: opts.default ?? 20, description: 'A limit on the number of objects to be returned.' });

export const After = () => Type.String({ minLength: 1, description: 'Cursor: an object ID; the page starts after it.' });
export const Before = () => Type.String({ minLength: 1, description: 'Cursor: an object ID; the page ends before it.' });
export const Order = () => StringEnum(['asc', 'desc'] as const, { default: 'asc' });

/** Standard error responses documented on every route. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
