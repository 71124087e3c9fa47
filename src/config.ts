import { redactUrl } from './platform/redact.js';
import { DATABASE_URL_FORMS, DEFAULT_DATABASE_URL, isDatabaseUrl, redactDatabaseUrl } from './platform/db/database.js';
import { isAdminKeyFormat } from './platform/key-crypto.js';
import { isSmtpUrl } from './platform/mail.js';

/** Runtime configuration, read once from the environment. Documented in the README. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** Value for the bootstrap admin key on a first start (automation); random when unset. */
  bootstrapAdminKey: string | undefined;
  logLevel: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Optional path of a model catalog file that replaces or extends the built-in catalog. */
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
  /** SMTP server spend-alert emails go through (`smtp://…`, `smtps://…`); unset: alerts are logged. */
  smtpUrl: string | undefined;
  /** The From address of spend-alert emails (required with smtpUrl). */
  smtpFrom: string | undefined;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (!isDatabaseUrl(databaseUrl)) throw new ConfigError(`DATABASE_URL must be ${DATABASE_URL_FORMS}`);
  const bootstrapAdminKey = env.ORGPLANE_ADMIN_KEY || undefined;
  if (bootstrapAdminKey !== undefined && !isAdminKeyFormat(bootstrapAdminKey)) {
    throw new ConfigError('ORGPLANE_ADMIN_KEY must look like an admin key: sk-admin- followed by at least 32 characters of [A-Za-z0-9_-]');
  }
  const smtpUrl = env.ORGPLANE_SMTP_URL || undefined;
  const smtpFrom = env.ORGPLANE_SMTP_FROM || undefined;
  if (smtpUrl !== undefined && !isSmtpUrl(smtpUrl)) throw new ConfigError('ORGPLANE_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…');
  if (smtpUrl !== undefined && smtpFrom === undefined) throw new ConfigError('ORGPLANE_SMTP_FROM (the From address of spend-alert emails) must be set with ORGPLANE_SMTP_URL');
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    bootstrapAdminKey,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: int(env, 'ORGPLANE_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    modelCatalogPath: env.ORGPLANE_MODEL_CATALOG || undefined,
    usageCacheBytes: int(env, 'ORGPLANE_USAGE_CACHE_MB', 256, 0, 1024 * 1024) * 1024 * 1024,
    metricsToken: env.ORGPLANE_METRICS_TOKEN || undefined,
    drainDelayMs: int(env, 'ORGPLANE_DRAIN_DELAY_MS', 2000, 0, 10 * 60 * 1000),
    consoleSessionSeconds: int(env, 'ORGPLANE_CONSOLE_SESSION_HOURS', 8, 1, 24 * 30) * 3600,
    redisUrl: env.REDIS_URL || undefined,
    gatewayBodyLimit: int(env, 'ORGPLANE_GATEWAY_BODY_LIMIT', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    smtpUrl,
    smtpFrom,
  };
}


/** The effective configuration with its secrets redacted (`orgplane serve --print-config`). */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: redactDatabaseUrl(config.databaseUrl),
    redisUrl: config.redisUrl === undefined ? undefined : redactUrl(config.redisUrl),
    smtpUrl: config.smtpUrl === undefined ? undefined : redactUrl(config.smtpUrl),
    bootstrapAdminKey: config.bootstrapAdminKey === undefined ? undefined : 'REDACTED',
    metricsToken: config.metricsToken === undefined ? undefined : 'REDACTED',
  };
}
