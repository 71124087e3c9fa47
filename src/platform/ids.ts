import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random alphanumeric string from a CSPRNG (rejection sampling, no modulo bias). */
export function randomString(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** ID prefixes, as OpenAI uses them. */
export const IdPrefix = {
  organization: 'org-',
  user: 'user-',
  invite: 'invite-',
  project: 'proj_',
  serviceAccount: 'svc_acct_',
  apiKey: 'key_',
  auditLog: 'audit_log-',
  group: 'group_',
  role: 'role_',
  roleAssignment: 'ra_',
  certificate: 'cert_',
  rateLimit: 'rl-',
} as const;

export type IdKind = keyof typeof IdPrefix;

/** A new object ID: the kind's prefix followed by 24 random alphanumerics (~142 bits). */
export function newId(kind: IdKind): string {
  return IdPrefix[kind] + randomString(24);
}
