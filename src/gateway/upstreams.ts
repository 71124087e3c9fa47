import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../config.js';

/** An upstream provider: an OpenAI-compatible server (OpenAI, Azure OpenAI, vLLM, Ollama, …). */
export interface Upstream {
  name: string;
  /** Origin (scheme, host, port) and the path prefix (e.g. `/v1`, or Azure's `/openai`). */
  origin: string;
  basePath: string;
  /** Headers sent with every request: credentials and the configured extras. */
  headers: Record<string, string>;
  /** Azure OpenAI style: `/deployments/{deployment}/…?api-version=…`, key in `api-key`. */
  azureApiVersion: string | null;
  /** Time allowed for the upstream's response headers and between body chunks (ms). */
  timeoutMs: number;
}

/** One way to serve a model: an upstream, the model's name there, and its share of traffic. */
export interface RouteTarget {
  upstream: Upstream;
  model: string;
  weight: number;
}

/** Where each model is served. `*` stands for every catalog model without a route of its own. */
export interface Routes {
  upstreams: ReadonlyMap<string, Upstream>;
  models: ReadonlyMap<string, readonly RouteTarget[]>;
}

export class RoutesError extends ConfigError {}

const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * Reads the routes from the environment: `ORGPLANE_UPSTREAMS` (a JSON or YAML routes file) and
 * `ORGPLANE_UPSTREAM_URL` / `ORGPLANE_UPSTREAM_API_KEY` (one upstream for every model the file
 * does not route). Null when neither is set: the data plane then answers 503.
 */
export function loadRoutes(env: NodeJS.ProcessEnv = process.env): Routes | null {
  const upstreams = new Map<string, Upstream>();
  const models = new Map<string, RouteTarget[]>();
  if (env.ORGPLANE_UPSTREAMS) parseRoutesFile(env.ORGPLANE_UPSTREAMS, env, upstreams, models);
  if (env.ORGPLANE_UPSTREAM_URL) {
    const key = env.ORGPLANE_UPSTREAM_API_KEY;
    const upstream = makeUpstream('default', env.ORGPLANE_UPSTREAM_URL, key ? { authorization: `Bearer ${key}` } : {}, null, DEFAULT_TIMEOUT_MS, (m) => new RoutesError(`ORGPLANE_UPSTREAM_URL: ${m}`));
    if (!upstreams.has('default')) upstreams.set('default', upstream);
    if (!models.has('*')) models.set('*', [{ upstream, model: '', weight: 1 }]);
  }
  if (upstreams.size === 0) return null;
  return { upstreams, models };
}

function makeUpstream(name: string, baseUrl: string, headers: Record<string, string>, azureApiVersion: string | null, timeoutMs: number, fail: (m: string) => Error): Upstream {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw fail(`"${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`"${baseUrl}" must be an http:// or https:// URL`);
  if (url.search || url.hash) throw fail(`"${baseUrl}" must not have a query or fragment`);
  return { name, origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), headers, azureApiVersion, timeoutMs };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The routes file:
 * ```yaml
 * upstreams:
 *   openai: { base_url: https://api.openai.com/v1, api_key_env: OPENAI_API_KEY }
 *   azure:  { base_url: https://x.openai.azure.com/openai, api_key_env: AZURE_KEY, azure: { api_version: 2024-10-21 } }
 *   local:  { base_url: http://127.0.0.1:8000/v1, headers: { x-team: research }, timeout_ms: 30000 }
 * models:
 *   gpt-4o-mini:
 *     - { upstream: azure, model: my-deployment, weight: 3 }
 *     - { upstream: openai, weight: 1 }
 *   "*": [ { upstream: openai } ]
 * ```
 */
function parseRoutesFile(file: string, env: NodeJS.ProcessEnv, upstreams: Map<string, Upstream>, models: Map<string, RouteTarget[]>): void {
  const fail = (field: string, message: string) => new RoutesError(`ORGPLANE_UPSTREAMS ${file}: ${field}: ${message}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RoutesError(`ORGPLANE_UPSTREAMS ${file}: cannot read the file (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new RoutesError(`ORGPLANE_UPSTREAMS ${file}: not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'} (${(err as Error).message})`);
  }
  if (!isObject(doc)) throw fail('(top level)', 'must be an object with `upstreams` and `models`');
  for (const key of Object.keys(doc)) if (key !== 'upstreams' && key !== 'models') throw fail(key, 'unknown field (expected `upstreams` and `models`)');
  if (!isObject(doc.upstreams) || Object.keys(doc.upstreams).length === 0) throw fail('upstreams', 'must be an object naming at least one upstream');
  for (const [name, def] of Object.entries(doc.upstreams)) {
    const at = `upstreams.${name}`;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw fail(at, 'upstream names may use letters, digits, `_`, `.` and `-`');
    if (!isObject(def)) throw fail(at, 'must be an object');
    for (const key of Object.keys(def)) {
      if (!['base_url', 'api_key_env', 'headers', 'azure', 'timeout_ms'].includes(key)) throw fail(`${at}.${key}`, 'unknown field (expected base_url, api_key_env, headers, azure, timeout_ms)');
    }
    if (typeof def.base_url !== 'string') throw fail(`${at}.base_url`, 'required, a URL string');
    const headers: Record<string, string> = {};
    if (def.headers !== undefined) {
      if (!isObject(def.headers)) throw fail(`${at}.headers`, 'must be an object of header names to string values');
      for (const [h, v] of Object.entries(def.headers)) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9-]+$/.test(h)) throw fail(`${at}.headers.${h}`, 'must be a header name with a string value');
        if (/^(authorization|api-key|host|content-length)$/i.test(h)) throw fail(`${at}.headers.${h}`, 'is set by orgplane (credentials come from api_key_env)');
        headers[h.toLowerCase()] = v;
      }
    }
    let azure: string | null = null;
    if (def.azure !== undefined) {
      if (!isObject(def.azure) || typeof def.azure.api_version !== 'string' || def.azure.api_version === '') throw fail(`${at}.azure`, 'must be an object with `api_version` (e.g. "2024-10-21")');
      azure = def.azure.api_version;
    }
    if (def.api_key_env !== undefined) {
      if (typeof def.api_key_env !== 'string' || def.api_key_env === '') throw fail(`${at}.api_key_env`, 'must name an environment variable');
      const key = env[def.api_key_env];
      if (!key) throw fail(`${at}.api_key_env`, `environment variable ${def.api_key_env} is not set`);
      if (azure !== null) headers['api-key'] = key;
      else headers.authorization = `Bearer ${key}`;
    }
    let timeoutMs = DEFAULT_TIMEOUT_MS;
    if (def.timeout_ms !== undefined) {
      if (!Number.isInteger(def.timeout_ms) || (def.timeout_ms as number) < 1) throw fail(`${at}.timeout_ms`, 'must be a positive integer (milliseconds)');
      timeoutMs = def.timeout_ms as number;
    }
    upstreams.set(name, makeUpstream(name, def.base_url, headers, azure, timeoutMs, (m) => fail(`${at}.base_url`, m)));
  }
  if (!isObject(doc.models) || Object.keys(doc.models).length === 0) throw fail('models', 'must be an object mapping model IDs (or "*") to lists of upstreams');
  for (const [model, list] of Object.entries(doc.models)) {
    const at = `models.${model}`;
    if (!Array.isArray(list) || list.length === 0) throw fail(at, 'must be a non-empty list of { upstream, model?, weight? }');
    models.set(model, list.map((entry, i) => {
      const here = `${at}[${i}]`;
      if (typeof entry === 'string') entry = { upstream: entry };
      if (!isObject(entry)) throw fail(here, 'must be an upstream name or { upstream, model?, weight? }');
      for (const key of Object.keys(entry)) if (!['upstream', 'model', 'weight'].includes(key)) throw fail(`${here}.${key}`, 'unknown field (expected upstream, model, weight)');
      const upstream = typeof entry.upstream === 'string' ? upstreams.get(entry.upstream) : undefined;
      if (!upstream) throw fail(`${here}.upstream`, `no upstream named ${JSON.stringify(entry.upstream)} in upstreams`);
      if (entry.model !== undefined && (typeof entry.model !== 'string' || entry.model === '')) throw fail(`${here}.model`, "must be the upstream's model name (a string)");
      if (entry.model !== undefined && model === '*') throw fail(`${here}.model`, 'cannot rename every model ("*")');
      const weight = entry.weight ?? 1;
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw fail(`${here}.weight`, 'must be a number ≥ 0');
      return { upstream, model: (entry.model as string | undefined) ?? '', weight };
    }));
  }
}

/**
 * The upstreams to try for a model, in order: the first is drawn by weight among the route's
 * targets with a positive weight; the others follow in the route's order (the fallback order).
 * `random` is a number in [0, 1).
 */
export function attemptOrder(targets: readonly RouteTarget[], random: number): readonly RouteTarget[] {
  if (targets.length === 1) return targets;
  let total = 0;
  for (const t of targets) total += t.weight;
  if (total <= 0) return targets;
  let point = random * total;
  let first = 0;
  for (; first < targets.length - 1; first++) {
    point -= targets[first].weight;
    if (point < 0 && targets[first].weight > 0) break;
  }
  if (first === 0) return targets;
  return [targets[first], ...targets.filter((_, i) => i !== first)];
}
