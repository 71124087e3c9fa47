import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

// Bodies are JSON and must carry the right types ("42" is not 42). Query strings and path
// parameters arrive as text and are coerced (`limit=5` → 5, a single `ids=a` → ["a"]).
// `discriminator` lets a oneOf whose branches are told apart by a property (e.g. a usage
// record's `kind`) check the one matching branch instead of all of them.
const bodyAjv = addFormats.default(new Ajv({ ...common, coerceTypes: false, discriminator: true }));
const textAjv = addFormats.default(new Ajv({ ...common, coerceTypes: 'array' }));

/** Fastify validator compiler: strict for bodies, coercing for text inputs. */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as ReturnType<FastifySchemaCompiler<any>>;
