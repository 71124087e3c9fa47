// Writes test/spec/openai-admin.json: the structure of the official OpenAI Administration API spec
// (paths, operations, parameters, request and response schemas, components) without its prose
// (descriptions, summaries, titles, examples, x-oaiMeta), so that the tests validate against the
// spec from a fresh clone alone. Run it when the spec changes:
//   node scripts/vendor-spec.mjs path/to/openai-admin-openapi.yaml
// (the official spec's admin subset; nothing in the repository or its tests reads it).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv[2]) {
  process.stderr.write('usage: node scripts/vendor-spec.mjs path/to/openai-admin-openapi.yaml\n');
  process.exit(2);
}
const source = resolve(process.argv[2]);
const target = resolve(root, 'test/spec/openai-admin.json');

/** Keys that carry prose or samples, not structure. */
const PROSE = new Set(['description', 'summary', 'title', 'example', 'examples', 'x-oaiMeta', 'externalDocs']);
/** Objects whose keys are names (of properties, schemas, ...), never prose: kept whatever they are called. */
const NAMED = new Set(['properties', 'patternProperties', 'schemas', 'parameters', 'responses', 'requestBodies', 'securitySchemes', 'paths', '$defs', 'definitions', 'content']);

/** `value` without prose; `names`: its keys are names (of properties, schemas, ...), all kept. */
function strip(value, names = false) {
  if (Array.isArray(value)) return value.map((v) => strip(v));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (!names && PROSE.has(key)) continue;
    out[key] = strip(v, !names && NAMED.has(key));
  }
  return out;
}

const spec = parse(readFileSync(source, 'utf8'));
const { openapi, info, paths, components } = spec;
const structure = { openapi, info: { title: info?.title, version: info?.version }, paths: strip(paths, true), components: strip(components) };
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(structure, null, 1)}\n`);
console.log(`wrote ${target} (${Object.keys(structure.paths).length} paths, ${Object.keys(structure.components?.schemas ?? {}).length} schemas) from ${source}`);
