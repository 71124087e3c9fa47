import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { redactUrl } from './platform/redact.js';
import { DEFAULT_DATABASE_URL, databaseUrlProblem, redactDatabaseUrl } from './platform/db/database.js';
import { isAdminKeyFormat } from './platform/key-crypto.js';

/** Runtime configuration, read once from the environment (SETTINGS below). Documented in the README. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** Value for the bootstrap admin key on a first start (automation); random when unset. */
  bootstrapAdminKey: string | undefined;
  /** Email of the owner user a first start creates. */
  ownerEmail: string | undefined;
  logLevel: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Optional path of a model catalog file that replaces or extends the built-in catalog (checked by its loader). */
  modelCatalogPath: string | undefined;
  /** Memory the usage and costs results kept between requests may take, in bytes (0: none kept). */
  usageCacheBytes: number;
  /** Bearer token GET /metrics requires; none: open. */
  metricsToken: string | undefined;
  /** SIGTERM: how long readiness fails before the server stops accepting connections. */
  drainDelayMs: number;
  /** How long a web console session lasts from sign-in, in seconds. */
  consoleSessionSeconds: number;
  /** Redis (shared rate-limit counters across replicas); unset: counted in memory. */
  redisUrl: string | undefined;
  /** Largest accepted data-plane request body (uploads included), in bytes. */
  gatewayBodyLimit: number;
  /** The gateway's upstream settings: the routes loader reads and checks them (main.ts reports its problems with these). */
  upstreamUrl: string | undefined;
  upstreamApiKey: string | undefined;
  upstreamsFile: string | undefined;
  /** Serve HTTPS with this certificate and key (paths of PEM files, checked at load; both or neither); unset: HTTP. */
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** SMTP server spend-alert emails go through (`smtp://…`, `smtps://…`); unset: alerts are logged. */
  smtpUrl: string | undefined;
  /** The From address of spend-alert emails (required with smtpUrl). */
  smtpFrom: string | undefined;
}

/** Configuration problems, one per entry, each naming its variable (or file). */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

/** The exit status of a process stopped by its configuration (sysexits.h EX_CONFIG). */
export const EX_CONFIG = 78;

/** Reports a configuration error on stderr, a line per problem, and exits with EX_CONFIG. */
export function exitOnConfigError(err: ConfigError): never {
  for (const problem of err.problems) process.stderr.write(`orgplane: configuration error: ${problem}\n`);
  process.exit(EX_CONFIG);
}

// ---- Value checks: each returns the value, or throws an Error saying what is wrong with it. ----

type Parse<T> = (raw: string) => T;

const integer = (min: number, max: number, unit = 1): Parse<number> => (raw) => {
  const value = Number(raw);
  if (!/^\s*-?\d+\s*$/.test(raw) || value < min || value > max) throw new Error(`must be an integer between ${min} and ${max}, got "${raw}"`);
  return value * unit;
};

const oneOf = (values: readonly string[]): Parse<string> => (raw) => {
  if (!values.includes(raw)) throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
  return raw;
};

const text: Parse<string> = (raw) => raw;

const url = (protocols: readonly string[]): Parse<string> => (raw) => {
  // Shown as given, unless it may hold a password.
  const shown = raw.includes('@') ? redactUrl(raw) : raw;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`must be a URL (${protocols.map((p) => `${p}//…`).join(' or ')}), got "${shown}"`);
  }
  if (!protocols.includes(parsed.protocol)) throw new Error(`must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL, got "${shown}"`);
  return raw;
};

const host: Parse<string> = (raw) => {
  if (isIP(raw) === 0 && !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(raw)) {
    throw new Error(`must be an IP address or a host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::), got "${raw}"`);
  }
  return raw;
};

const email: Parse<string> = (raw) => {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) throw new Error(`must be an email address, got "${raw}"`);
  return raw;
};

const databaseUrl: Parse<string> = (raw) => {
  const problem = databaseUrlProblem(raw);
  if (problem) throw new Error(problem);
  return raw;
};

const adminKey: Parse<string> = (raw) => {
  if (!isAdminKeyFormat(raw)) throw new Error('must look like an admin key: sk-admin- followed by at least 32 characters of [A-Za-z0-9_-]');
  return raw;
};

/** Reads a PEM file; an unreadable one is an Error saying why. */
function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`must be the path of a readable PEM file, got "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** ORGPLANE_TLS_CERT: a readable PEM file holding an X.509 certificate (optionally followed by its intermediates). */
const certificateFile: Parse<string> = (path) => {
  try {
    new X509Certificate(readPem(path));
  } catch (err) {
    throw (err as Error).message.startsWith('must be') ? err : new Error(`must hold an X.509 certificate in PEM format ("${path}" does not)`);
  }
  return path;
};

/** ORGPLANE_TLS_KEY: a readable PEM file holding an unencrypted private key. */
const privateKeyFile: Parse<string> = (path) => {
  try {
    createPrivateKey(readPem(path));
  } catch (err) {
    throw (err as Error).message.startsWith('must be') ? err : new Error(`must hold an unencrypted private key in PEM format ("${path}" does not)`);
  }
  return path;
};

/** The server's certificate and key for HTTPS (the files ORGPLANE_TLS_CERT / ORGPLANE_TLS_KEY name). */
export function readTls(config: Pick<Config, 'tlsCertFile' | 'tlsKeyFile'>): { cert: Buffer; key: Buffer } {
  return { cert: readPem(config.tlsCertFile!), key: readPem(config.tlsKeyFile!) };
}

// ---- The settings ----

/** How --print-config shows a value: as it is, hidden, or a URL with its password hidden. */
type Shown = 'plain' | 'secret' | 'url' | 'database';

interface Setting<K extends keyof Config = keyof Config> {
  key: K;
  parse: Parse<NonNullable<Config[K]>>;
  /** The value when the variable is unset or empty, in the variable's own terms (as the README gives it). */
  default?: string;
  show: Shown;
}

function setting<K extends keyof Config>(key: K, parse: Parse<NonNullable<Config[K]>>, options: { default?: string; show?: Shown } = {}): Setting<K> {
  return { key, parse, default: options.default, show: options.show ?? 'plain' };
}

/** pino's levels. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MB = 1024 * 1024;

/** Every environment variable orgplane reads, its check and its default. One line each. */
export const SETTINGS = {
  PORT: setting('port', integer(0, 65535), { default: '8080' }),
  HOST: setting('host', host, { default: '127.0.0.1' }),
  DATABASE_URL: setting('databaseUrl', databaseUrl, { default: DEFAULT_DATABASE_URL, show: 'database' }),
  ORGPLANE_ADMIN_KEY: setting('bootstrapAdminKey', adminKey, { show: 'secret' }),
  ORGPLANE_OWNER_EMAIL: setting('ownerEmail', email),
  LOG_LEVEL: setting('logLevel', oneOf(LOG_LEVELS), { default: 'info' }),
  ORGPLANE_BODY_LIMIT: setting('bodyLimit', integer(1024, 64 * MB), { default: String(MB) }),
  ORGPLANE_MODEL_CATALOG: setting('modelCatalogPath', text),
  ORGPLANE_USAGE_CACHE_MB: setting('usageCacheBytes', integer(0, MB, MB), { default: '256' }),
  ORGPLANE_METRICS_TOKEN: setting('metricsToken', text, { show: 'secret' }),
  ORGPLANE_DRAIN_DELAY_MS: setting('drainDelayMs', integer(0, 10 * 60 * 1000), { default: '2000' }),
  ORGPLANE_CONSOLE_SESSION_HOURS: setting('consoleSessionSeconds', integer(1, 24 * 30, 3600), { default: '8' }),
  REDIS_URL: setting('redisUrl', url(['redis:', 'rediss:']), { show: 'url' }),
  ORGPLANE_GATEWAY_BODY_LIMIT: setting('gatewayBodyLimit', integer(1024, 1024 * MB), { default: String(32 * MB) }),
  ORGPLANE_UPSTREAM_URL: setting('upstreamUrl', text, { show: 'url' }),
  ORGPLANE_UPSTREAM_API_KEY: setting('upstreamApiKey', text, { show: 'secret' }),
  ORGPLANE_UPSTREAMS: setting('upstreamsFile', text),
  ORGPLANE_TLS_CERT: setting('tlsCertFile', certificateFile),
  ORGPLANE_TLS_KEY: setting('tlsKeyFile', privateKeyFile),
  ORGPLANE_SMTP_URL: setting('smtpUrl', url(['smtp:', 'smtps:']), { show: 'url' }),
  ORGPLANE_SMTP_FROM: setting('smtpFrom', text),
} satisfies Record<string, Setting>;

/**
 * Rules between variables (one function each, e.g. "B must be set with A"), checked once every
 * variable has been read: a problem, naming the variable to fix, or undefined.
 */
const CHECKS: ReadonlyArray<(config: Config) => string | undefined> = [
  // HTTPS needs both, and the key must be the certificate's.
  ({ tlsCertFile, tlsKeyFile }) => (tlsKeyFile && !tlsCertFile ? 'ORGPLANE_TLS_CERT: must be set when ORGPLANE_TLS_KEY is (HTTPS needs both)' : undefined),
  ({ tlsCertFile, tlsKeyFile }) => (tlsCertFile && !tlsKeyFile ? 'ORGPLANE_TLS_KEY: must be set when ORGPLANE_TLS_CERT is (HTTPS needs both)' : undefined),
  ({ tlsCertFile, tlsKeyFile }) => {
    if (!tlsCertFile || !tlsKeyFile) return undefined;
    try {
      createSecureContext(readTls({ tlsCertFile, tlsKeyFile }));
      return undefined;
    } catch {
      return `ORGPLANE_TLS_KEY: "${tlsKeyFile}" is not the private key of the certificate in ORGPLANE_TLS_CERT ("${tlsCertFile}")`;
    }
  },
  (c) => (c.smtpUrl !== undefined && c.smtpFrom === undefined ? 'ORGPLANE_SMTP_FROM: must be set with ORGPLANE_SMTP_URL (the From address of spend-alert emails)' : undefined),
];

// Every Config field has its setting (a compile error names the one that has none).
type Unset = Exclude<keyof Config, (typeof SETTINGS)[keyof typeof SETTINGS]['key']>;
const everyFieldSet: [Unset] extends [never] ? true : Unset = true;
void everyFieldSet;

/** A variable's text: unset and empty are the same (the default applies). */
function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Reads every setting; a ConfigError lists every problem found (not just the first), each naming its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, s] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
    const given = raw(env, name);
    const value = given ?? s.default;
    try {
      config[s.key] = value === undefined ? undefined : s.parse(value);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (problems.length === 0) {
    for (const check of CHECKS) {
      const problem = check(config as unknown as Config);
      if (problem !== undefined) problems.push(problem);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config as unknown as Config;
}

/** The effective value of every variable, secrets redacted, unset ones null (`orgplane serve --print-config`). */
export function describeConfig(env: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  const shown: Record<string, string | null> = {};
  for (const [name, s] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
    const value = raw(env, name) ?? s.default;
    shown[name] = value === undefined ? null
      : s.show === 'secret' ? 'REDACTED'
      : s.show === 'url' ? redactUrl(value)
      : s.show === 'database' ? redactDatabaseUrl(value)
      : value;
  }
  return shown;
}
