import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Kinds of secret API keys and their visible prefixes. */
export const KeyPrefix = {
  admin: 'sk-admin-',
  project: 'sk-proj-',
  service_account: 'sk-svcacct-',
} as const;
export type KeyKind = keyof typeof KeyPrefix;

const BODY = /^[A-Za-z0-9_-]{32,}$/;

export function isAdminKeyFormat(value: string): boolean {
  return value.startsWith(KeyPrefix.admin) && BODY.test(value.slice(KeyPrefix.admin.length));
}

/** A new secret key: prefix + 256 bits from the CSPRNG, base64url (43 characters). */
export function generateKey(kind: KeyKind): string {
  return KeyPrefix[kind] + randomBytes(32).toString('base64url');
}

/**
 * Hash of a key, as stored. Keys carry at least 192 bits of entropy, so a fast
 * cryptographic hash is sufficient (no dictionary to attack) and keeps auth cheap.
 */
export function hashKey(value: string): string {
  // One-shot hash: no Hash object per request (every request is authenticated through this).
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison of two stored hashes. */
export function hashesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** The redacted form OpenAI shows, e.g. `sk-admin...xyzw` / `sk-proj-***...abcd`. */
export function redactKey(value: string): string {
  const prefix = value.startsWith(KeyPrefix.admin) ? 'sk-admin' : value.startsWith(KeyPrefix.service_account) ? 'sk-svcacct' : value.startsWith(KeyPrefix.project) ? 'sk-proj' : 'sk';
  return `${prefix}...${value.slice(-4)}`;
}
