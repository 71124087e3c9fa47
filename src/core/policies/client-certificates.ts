import { X509Certificate } from 'node:crypto';

/** An active certificate, parsed once when the policies load: a trust anchor for client certificates. */
export interface TrustAnchor {
  id: string;
  /** Null when the stored certificate could not be parsed (never matches). */
  cert: X509Certificate | null;
  /** Unix milliseconds. */
  validFrom: number;
  validTo: number;
}

/** Whether a presented chain leads to an anchor; `until` (Unix ms): when the verdict must be made again (a certificate on the path expires). */
export type ChainVerdict = { ok: true; anchorId: string; until: number } | { ok: false; reason: string };

/** Intermediate certificates followed from the client's certificate towards an anchor, at most. */
const MAX_DEPTH = 8;

const validity = (c: X509Certificate) => ({ from: Date.parse(c.validFrom), to: Date.parse(c.validTo) });

/**
 * Parses a stored certificate. One that cannot be parsed (uploads are checked, so only a damaged
 * row) still counts as active but is never valid: the project stays closed rather than open.
 */
export function toAnchor(id: string, pem: string): TrustAnchor {
  try {
    const cert = new X509Certificate(pem);
    const { from, to } = validity(cert);
    return { id, cert, validFrom: from, validTo: to };
  } catch {
    return { id, cert: null, validFrom: Infinity, validTo: -Infinity };
  }
}

/** `issuer` names `cert`'s issuer, may issue certificates (CA), and its key verifies `cert`'s signature. */
function issued(cert: X509Certificate, issuer: X509Certificate): boolean {
  return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * Verifies a client's certificate chain (`chain[0]`: its own certificate, then the intermediates it
 * sent) against trust anchors at `nowMs`. It is accepted when, walking from its certificate up
 * through signature-verified CA certificates it sent, a certificate on the path is one of the
 * anchors (the same DER bytes) or is issued by a CA anchor (names match and the anchor's key verifies
 * the signature); every certificate on the path, and the anchor, must be within its validity dates.
 * (That the client holds the private key of its certificate is proven by the TLS handshake.)
 */
export function verifyChain(chain: readonly X509Certificate[], anchors: readonly TrustAnchor[], nowMs: number): ChainVerdict {
  if (chain.length === 0) return { ok: false, reason: 'no client certificate was presented' };
  const live = anchors.filter((a): a is TrustAnchor & { cert: X509Certificate } => a.cert !== null && a.validFrom <= nowMs && nowMs <= a.validTo);
  let current = chain[0];
  let until = Infinity;
  const seen = new Set<X509Certificate>();
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const { from, to } = validity(current);
    if (nowMs < from || nowMs > to) {
      return { ok: false, reason: depth === 0 ? 'the client certificate is expired or not yet valid' : 'a certificate of the presented chain is expired or not yet valid' };
    }
    until = Math.min(until, to);
    seen.add(current);
    for (const a of live) {
      if (current.raw.equals(a.cert.raw)) return { ok: true, anchorId: a.id, until };
    }
    for (const a of live) {
      if (issued(current, a.cert)) return { ok: true, anchorId: a.id, until: Math.min(until, a.validTo) };
    }
    const next = chain.find((c) => !seen.has(c) && issued(current, c));
    if (!next) break;
    current = next;
  }
  return { ok: false, reason: 'the client certificate does not chain to an active certificate' };
}

/**
 * The active certificates, by where they apply: the organization's apply to every project, a
 * project's to that project only. Parsed certificates are reused between loads (a certificate's
 * content never changes).
 */
export class CertificateTrust {
  /** Anchors of projects with certificates of their own (the organization's included). */
  private readonly byProject = new Map<string, TrustAnchor[]>();
  /** Every anchor, by certificate ID. */
  private readonly parsed = new Map<string, TrustAnchor>();
  readonly organization: readonly TrustAnchor[];

  constructor(rows: { organization: readonly { id: string; content: string }[]; projects: readonly { project_id: string; id: string; content: string }[] }, previous?: CertificateTrust) {
    const anchor = (id: string, content: string): TrustAnchor => {
      const a = this.parsed.get(id) ?? previous?.parsed.get(id) ?? toAnchor(id, content);
      this.parsed.set(id, a);
      return a;
    };
    this.organization = rows.organization.map((r) => anchor(r.id, r.content));
    for (const r of rows.projects) {
      let list = this.byProject.get(r.project_id);
      if (!list) this.byProject.set(r.project_id, (list = [...this.organization]));
      const a = anchor(r.id, r.content);
      if (!list.includes(a)) list.push(a);
    }
  }

  /** The certificates a project's client certificates must chain to (none: no client certificate is required). */
  anchorsFor(projectId: string): readonly TrustAnchor[] {
    return this.byProject.get(projectId) ?? this.organization;
  }
}
