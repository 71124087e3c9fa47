import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { type DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { CatalogModel, ModelCatalog } from '../core/catalog/index.js';
import { type ChainVerdict, type Policies, type TrustAnchor, verifyChain } from '../core/policies/index.js';
import type { Clock } from '../platform/clock.js';
import { declaredHostedTools } from '../core/policies/tools.js';
import { COUNTERS, type UsageKind } from '../core/usage/kinds.js';
import { type Counters, pricePlan } from '../core/usage/pricing.js';
import { ApiError } from '../platform/errors.js';
import type { Admitted, AdmissionCheck, AdmissionRequest } from './admission.js';
import type { TrafficUsage } from './traffic-usage.js';

/**
 * The output a request may produce when it sets no cap (`max_tokens`, `max_completion_tokens`,
 * `max_output_tokens`): what a spend reservation assumes (docs/policies.md states the bound).
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;
/** Audio uploads are assumed to be at least 16 kbit/s when the length of a transcription is reserved. */
const AUDIO_BYTES_PER_SECOND = 2_000;

/** The project may use the model (its allow or deny list): 403 naming both. */
export class ModelPermissionCheck implements AdmissionCheck {
  readonly name = 'model-permissions';
  constructor(private readonly policies: Policies) {}

  admit(r: AdmissionRequest): void {
    if (this.policies.modelAllowed(r.projectId, r.model.id)) return;
    throw new ApiError(
      403,
      `Project \`${r.projectId}\` does not have access to model \`${r.model.id}\`: the project's model permissions do not allow it.`,
      'invalid_request_error',
      'model',
      'model_not_allowed',
    );
  }
}

/** Every hosted tool the request declares is enabled for the project: 403 naming the first that is not. */
export class HostedToolCheck implements AdmissionCheck {
  readonly name = 'hosted-tool-permissions';
  constructor(private readonly policies: Policies) {}

  admit(r: AdmissionRequest): void {
    if (!r.body) return;
    for (const tool of declaredHostedTools(r.body)) {
      if (!this.policies.toolAllowed(r.projectId, tool)) {
        throw new ApiError(403, `The hosted tool \`${tool}\` is disabled for project \`${r.projectId}\`.`, 'invalid_request_error', 'tools', 'tool_not_allowed');
      }
    }
  }
}

/** Endpoints whose requests take `store` (the upstream keeps the response unless it is false). */
const STORING = new Set(['/responses', '/chat/completions']);

/**
 * Zero data retention (the project's effective setting, plain or enhanced): the request is
 * forwarded with `store: false`, so the upstream keeps nothing and orgplane keeps no response ID.
 */
export class DataRetentionCheck implements AdmissionCheck {
  readonly name = 'data-retention';
  constructor(private readonly policies: Policies) {}

  admit(r: AdmissionRequest): void {
    if (!r.body || !STORING.has(r.path) || !this.policies.zeroDataRetention(r.projectId)) return;
    r.keepResponseId = false;
    if (r.body.store !== false) {
      r.body.store = false;
      r.bodyChanged = true;
    }
  }
}

function counters(values: Partial<Counters>): Counters {
  const c = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counters;
  return Object.assign(c, values);
}

/** USD of one request's usage for the model, at the catalog's prices (as the costs endpoint prices it). */
export function costOf(catalog: ModelCatalog, model: string, usage: TrafficUsage): number {
  const c = counters({
    input_tokens: usage.input_tokens ?? 0,
    output_tokens: usage.output_tokens ?? 0,
    input_cached_tokens: usage.input_cached_tokens ?? 0,
    input_audio_tokens: usage.input_audio_tokens ?? 0,
    output_audio_tokens: usage.output_audio_tokens ?? 0,
    images: usage.images ?? 0,
    characters: usage.characters ?? 0,
    seconds: usage.seconds ?? 0,
    num_model_requests: 1,
  });
  let usd = 0;
  for (const line of pricePlan({ kind: usage.kind as UsageKind, model, batch: false, size: usage.size ?? '' }, catalog)) usd += line.amount(line.quantity(c), c);
  return usd;
}

const positive = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : typeof v === 'string' && Number(v) > 0 ? Number(v) : 0);

/**
 * The largest usage a request can have: its input estimated from its size (4 bytes a token, an
 * over-estimate for text), its output at its cap (or DEFAULT_MAX_OUTPUT_TOKENS), its images, its
 * speech characters, its audio's length at a low bit rate.
 */
export function largestUsage(r: AdmissionRequest, model: CatalogModel): TrafficUsage {
  const body = r.body ?? {};
  const input = Math.ceil(JSON.stringify(body).length / 4);
  switch (model.kind) {
    case 'chat':
    case 'completion': {
      const cap = Math.max(positive(body.max_tokens), positive(body.max_completion_tokens), positive(body.max_output_tokens));
      return { kind: 'completions', input_tokens: input, output_tokens: cap > 0 ? cap : DEFAULT_MAX_OUTPUT_TOKENS };
    }
    case 'embedding':
      return { kind: 'embeddings', input_tokens: input };
    case 'moderation':
      return { kind: 'moderations' as TrafficUsage['kind'], input_tokens: input };
    case 'image':
      return { kind: 'images', images: Math.max(1, r.images), size: typeof body.size === 'string' ? body.size : '' };
    case 'audio_speech':
      return { kind: 'audio_speeches', characters: typeof body.input === 'string' ? body.input.length : 0 };
    case 'audio_transcription':
      return { kind: 'audio_transcriptions', seconds: Math.ceil(r.audioBytes / AUDIO_BYTES_PER_SECOND) };
  }
}

/**
 * Hard spend limits (project and organization): the request's largest possible cost is reserved
 * at admission, all or nothing, and swapped for its real cost when it ends; a request that would
 * take either scope past its limit gets OpenAI's 429 `insufficient_quota`.
 */
export class SpendLimitCheck implements AdmissionCheck {
  readonly name = 'spend-limits';
  constructor(
    private readonly policies: Policies,
    private readonly catalog: () => ModelCatalog,
  ) {}

  admit(r: AdmissionRequest): Admitted | void | Promise<Admitted | void> {
    if (!this.policies.spend.limited(r.projectId)) return;
    const catalog = this.catalog();
    const maxCost = costOf(catalog, r.model.id, largestUsage(r, r.model));
    return this.policies.spend.admit(r.projectId, maxCost).then((result) => {
      if (!result.ok) {
        const who = result.scope === 'organization' ? 'The organization' : `Project \`${r.projectId}\``;
        throw new ApiError(
          429,
          `You exceeded your current quota: ${who} has reached its monthly hard spend limit (this request could cost up to $${maxCost.toFixed(4)}). Raise or delete the limit, or wait for next month.`,
          'insufficient_quota',
          null,
          'insufficient_quota',
        );
      }
      const reservation = result.reservation;
      if (!reservation) return;
      return {
        settle: (outcome) => {
          const actual = outcome.succeeded && outcome.usage ? costOf(catalog, r.model.id, outcome.usage) : 0;
          void this.policies.spend.settle(reservation, actual).catch(() => undefined);
        },
      };
    });
  }
}

/** A connection's verdict, kept while the policies and the project it was made for are unchanged. */
interface ConnectionVerdict {
  version: number;
  projectId: string;
  /** Unix ms after which it is made again (a certificate on the accepted path expires). */
  until: number;
  refusal: ApiError | null;
}

const certificateRefused = (projectId: string, why: string) =>
  new ApiError(
    401,
    `Project \`${projectId}\` requires a client certificate (mutual TLS): ${why}. Present a certificate that is, or is issued by, one of the organization's or the project's active certificates.`,
    'invalid_request_error',
    null,
    'invalid_client_certificate',
  );

/**
 * The certificates the client sent in the TLS handshake: its own first, then its intermediates.
 * (Read through getPeerCertificate(true): on Node 20, calling getPeerX509Certificate() first
 * leaves the intermediates out of it.)
 */
function presentedChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let peer: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<DetailedPeerCertificate>();
  while (peer && peer.raw && !seen.has(peer) && chain.length < 10) {
    seen.add(peer);
    chain.push(new X509Certificate(peer.raw));
    peer = peer.issuerCertificate;
  }
  return chain;
}

/** Intermediate certificates remembered from accepted chains, at most. */
const REMEMBERED_INTERMEDIATES = 256;

/**
 * Mutual TLS: when the organization or the project has active certificates, the project's
 * data-plane requests must come over TLS with a client certificate that chains to one of them
 * (401 `invalid_client_certificate` otherwise). Runs for every data-plane request once its key is
 * known (the project decides which certificates apply). A connection's verdict is kept on it until
 * the policies change, so keep-alive requests are not verified again.
 */
export class ClientCertificateCheck {
  private readonly verdicts = new WeakMap<Socket, ConnectionVerdict>();
  /**
   * Intermediates clients sent in chains that were accepted, by SHA-256 fingerprint: a resumed TLS
   * session carries the client's certificate but not its intermediates. Only material to build a
   * path from: every signature and date on it is verified again.
   */
  private readonly intermediates = new Map<string, X509Certificate>();

  constructor(
    private readonly policies: Policies,
    private readonly clock: Clock,
  ) {}

  /** Throws the 401 when the connection may not carry the project's requests. */
  check(projectId: string, socket: Socket): void {
    const anchors = this.policies.clientCertificateAnchors(projectId);
    if (anchors.length === 0) return;
    const version = this.policies.version;
    const now = this.clock.nowMs();
    let verdict = this.verdicts.get(socket);
    if (!verdict || verdict.version !== version || verdict.projectId !== projectId || now > verdict.until) {
      const result = this.verify(socket, anchors, now);
      verdict = {
        version,
        projectId,
        until: result.ok ? result.until : Infinity,
        refusal: result.ok ? null : certificateRefused(projectId, result.reason),
      };
      this.verdicts.set(socket, verdict);
    }
    if (verdict.refusal) throw verdict.refusal;
  }

  /** The connection's client certificate against the anchors, with the intermediates it sent (or, on a resumed session, those remembered). */
  private verify(socket: Socket, anchors: readonly TrustAnchor[], nowMs: number): ChainVerdict {
    if (!(socket instanceof TLSSocket)) return { ok: false, reason: 'the request did not come over TLS' };
    const chain = presentedChain(socket);
    if (chain.length === 0) return { ok: false, reason: 'no client certificate was presented' };
    const direct = verifyChain(chain, anchors, nowMs);
    if (direct.ok || chain.length > 1 || this.intermediates.size === 0) {
      if (direct.ok) this.remember(chain.slice(1));
      return direct;
    }
    const completed = verifyChain([chain[0], ...this.intermediates.values()], anchors, nowMs);
    return completed.ok ? completed : direct;
  }

  private remember(intermediates: readonly X509Certificate[]): void {
    for (const c of intermediates) {
      if (this.intermediates.has(c.fingerprint256)) continue;
      if (this.intermediates.size >= REMEMBERED_INTERMEDIATES) this.intermediates.delete(this.intermediates.keys().next().value!);
      this.intermediates.set(c.fingerprint256, c);
    }
  }
}

/** The policy checks, in the order they run after the rate limits. */
export function policyChecks(policies: Policies, catalog: () => ModelCatalog): AdmissionCheck[] {
  return [new ModelPermissionCheck(policies), new HostedToolCheck(policies), new DataRetentionCheck(policies), new SpendLimitCheck(policies, catalog)];
}
