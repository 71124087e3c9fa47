import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The structure of the official spec (paths, parameters, schemas; no prose), kept in the
 * repository: test/spec/openai-admin.json, written by scripts/vendor-spec.mjs.
 */
export const spec = JSON.parse(readFileSync(new URL('../spec/openai-admin.json', import.meta.url), 'utf8'));

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'spec');

const byOperation = new Map<string, { path: string; method: string; op: any }>();
for (const [path, item] of Object.entries<any>(spec.paths)) {
  for (const [method, op] of Object.entries<any>(item)) {
    if (op && typeof op === 'object' && op.operationId) byOperation.set(op.operationId, { path, method, op });
  }
}

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const cache = new Map<string, ValidateFunction>();

function validatorFor(operationId: string, status: number): ValidateFunction {
  const key = `${operationId}:${status}`;
  let fn = cache.get(key);
  if (!fn) {
    const entry = byOperation.get(operationId);
    if (!entry) throw new Error(`operation ${operationId} is not in the spec`);
    const response = entry.op.responses?.[String(status)];
    if (!response) throw new Error(`operation ${operationId} documents no ${status} response`);
    let ref: string;
    if (response.$ref) {
      ref = `spec${response.$ref}/content/application~1json/schema`;
    } else {
      ref = `spec#/paths/${pointer(entry.path)}/${entry.method}/responses/${status}/content/application~1json/schema`;
    }
    fn = ajv.compile({ $ref: ref });
    cache.set(key, fn);
  }
  return fn;
}

/** Asserts that `body` is valid against the official spec's response schema for the operation. */
export function assertSpec(operationId: string, body: unknown, status = 200): void {
  const validate = validatorFor(operationId, status);
  if (!validate(body)) {
    assert.fail(`response of ${operationId} does not match the spec: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}

/** Asserts a body against a named component schema (e.g. `ErrorResponse`). */
export function assertComponent(name: string, body: unknown): void {
  const key = `component:${name}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = ajv.compile({ $ref: `spec#/components/schemas/${name}` });
    cache.set(key, fn);
  }
  if (!fn(body)) assert.fail(`body does not match ${name}: ${ajv.errorsText(fn.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
}

export function operationExists(operationId: string): boolean {
  return byOperation.has(operationId);
}
