/** Who is calling: the API key presented and the user or service account that owns it. */
export interface Principal {
  keyId: string;
  kind: 'admin' | 'project';
  /** The project a project key belongs to; null for admin keys. */
  projectId: string | null;
  owner: PrincipalOwner;
  /** Set when the key is used through a web console session (audit events then name the session). */
  session?: { ipAddress: string };
}

export type PrincipalOwner =
  | { type: 'user'; id: string; name: string; email: string; role: string; created_at: number }
  | { type: 'service_account'; id: string; name: string; role: string; created_at: number };

/** The `actor` object of an audit-log event for this principal. */
export function auditActor(p: Principal): AuditActor {
  // Through the console, as OpenAI's dashboard: the actor is the user's session.
  if (p.session && p.owner.type === 'user') return { type: 'session', session: { user: { id: p.owner.id, email: p.owner.email }, ip_address: p.session.ipAddress } };
  return p.owner.type === 'user'
    ? { type: 'api_key', api_key: { id: p.keyId, type: 'user', user: { id: p.owner.id, email: p.owner.email } } }
    : { type: 'api_key', api_key: { id: p.keyId, type: 'service_account', service_account: { id: p.owner.id } } };
}

export interface AuditActor {
  type: 'api_key' | 'session';
  session?: { user: { id: string; email: string }; ip_address: string };
  api_key?: {
    id: string;
    type: 'user' | 'service_account';
    user?: { id: string; email: string };
    service_account?: { id: string };
  };
}
