import fastJson from 'fast-json-stringify';
import { inlineShared, type SharedSchemas } from './schemas.js';

type Serialize = (data: unknown) => string;

/**
 * Fastify serializer compiler factory (Fastify's own serializer, fast-json-stringify): each answer
 * schema is compiled with the shared schemas it refers to written inline — the same function, and
 * the same bytes, as for a schema written inline — and each schema object once, so the error
 * answers every route shares compile once. (fast-json-stringify given the shared schemas itself
 * re-reads all of them for every route and status: seconds at start.)
 */
export function buildSerializer(shared: SharedSchemas = {}) {
  const compiled = new WeakMap<object, Serialize>();
  return ({ schema }: { schema: object }): Serialize => {
    let serialize = compiled.get(schema);
    if (!serialize) {
      serialize = fastJson(inlineShared(schema, shared) as Parameters<typeof fastJson>[0]) as Serialize;
      compiled.set(schema, serialize);
    }
    return serialize;
  };
}
