import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ModelCatalog } from '../catalog/index.js';
import type { DB } from '../../platform/db/schema.js';
import type { Clock } from '../../platform/clock.js';
import { monthKey, monthStart } from './month.js';
import * as repo from './repository.js';
import { effectiveRetention, isZeroRetention } from './retention.js';
import type { SpendCounter } from './spend-counter.js';
import { HOSTED_TOOLS, type HostedTool } from './tools.js';

export { declaredHostedTools, HOSTED_TOOLS, type HostedTool } from './tools.js';

/** Micro-dollars per cent and per dollar: the counter's integer unit. */
const MICROS_PER_CENT = 10_000;
const MICROS_PER_USD = 1_000_000;

/** The policies as one replica holds them in memory (reloaded when the policy version moves). */
interface Snapshot {
  version: number;
  /** Null until the organization is bootstrapped. */
  organizationId: string | null;
  /** Cents, by scope (organization or project ID). */
  spendLimits: Map<string, number>;
  retention: Map<string, string>;
  models: Map<string, { mode: 'allow_list' | 'deny_list'; ids: Set<string> }>;
  tools: Map<string, Record<HostedTool, boolean>>;
}

/** Recorded spend of the current month, in micro-dollars (refreshed by the poller). */
interface RecordedSpend {
  month: string;
  byProject: Map<string, number>;
  total: number;
}

export interface PoliciesOptions {
  db: Kysely<DB>;
  clock: Clock;
  catalog: ModelCatalog;
  counter: SpendCounter;
  /** How often the policy version is polled, in ms (default 250: changes apply within 1 s on every replica). */
  pollMs?: number;
  /** How long an unsettled reservation holds budget, in ms (default 10 minutes). */
  reservationTtlMs?: number;
}

export type PolicyScopeRef = { kind: 'organization' | 'project'; id: string };

/** A spend reservation made at admission; settle it with the request's real cost. */
export interface SpendReservation {
  id: string;
  month: string;
  scopeIds: string[];
}

export type SpendAdmission = { ok: true; reservation: SpendReservation | null } | { ok: false; scope: 'organization' | 'project'; scopeId: string };

/**
 * The policies the data plane obeys, answered from memory: model and hosted-tool permissions,
 * effective data retention, and hard spend limits (with the spend counter's reservations). Every
 * replica polls the policy version (bumped in the transaction of every change) and reloads.
 */
export class Policies {
  private snapshot: Snapshot | null = null;
  private recorded: RecordedSpend = { month: '', byProject: new Map(), total: 0 };
  private timer: NodeJS.Timeout | null = null;
  private recordedAt = 0;
  private loading: Promise<void> | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  readonly spend: SpendGuard;

  constructor(private readonly options: PoliciesOptions) {
    this.spend = new SpendGuard(this, options);
  }

  /** Loads the policies and starts polling for changes. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      if (this.polling) return;
      // A failed poll keeps the last policies; the next one retries.
      this.polling = this.poll().then(
        () => undefined,
        () => undefined,
      );
      void this.polling.then(() => (this.polling = null));
    }, this.options.pollMs ?? 250);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await this.loading;
    await this.options.counter.close();
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    const version = await repo.policyVersion(this.options.db);
    // Recorded spend (usage ingested, traffic flushed) is re-read every second, whatever the policy version.
    const stale = performance.now() - this.recordedAt >= 1000;
    if (this.closed) return;
    if (this.snapshot === null || version !== this.snapshot.version || this.snapshot.organizationId === null) await this.refresh();
    else if (stale) await this.refreshSpend();
  }

  /** Re-reads only the recorded spend (the policies themselves are unchanged), in turn with the loads. */
  private refreshSpend(): Promise<void> {
    return this.inTurn(async () => {
      this.recorded = await this.readRecordedSpend();
      this.recordedAt = performance.now();
    });
  }

  /** Reloads now (after a change made by this replica, so that it applies at once here). Loads run one at a time. */
  refresh(): Promise<void> {
    return this.inTurn(() => this.load());
  }

  /** Runs `job` after the loads before it (one at a time). */
  private inTurn(job: () => Promise<void>): Promise<void> {
    const run = (this.loading ?? Promise.resolve()).then(job);
    const settled: Promise<void> = run.then(
      () => undefined,
      () => undefined,
    );
    this.loading = settled;
    void settled.then(() => {
      if (this.loading === settled) this.loading = null;
    });
    return run;
  }

  private async load(): Promise<void> {
    const db = this.options.db;
    const version = await repo.policyVersion(db);
    const [organizationId, limits, retention, models, tools] = await Promise.all([
      repo.findOrganizationId(db),
      repo.allSpendLimits(db),
      repo.allDataRetention(db),
      repo.allModelPermissions(db),
      repo.allHostedToolPermissions(db),
    ]);
    this.snapshot = {
      version,
      organizationId,
      spendLimits: new Map(limits.map((l) => [l.scope_id, Number(l.threshold_amount)])),
      retention: new Map(retention.map((r) => [r.scope_id, r.type])),
      models: new Map(models.map((m) => [m.project_id, { mode: m.mode, ids: new Set(JSON.parse(m.model_ids) as string[]) }])),
      tools: new Map(tools.map((t) => [t.project_id, Object.fromEntries(HOSTED_TOOLS.map((k) => [k, Boolean(Number(t[k]))])) as Record<HostedTool, boolean>])),
    };
    this.recorded = await this.readRecordedSpend();
    this.recordedAt = performance.now();
  }

  /** The month's recorded spend per project, in micro-dollars, read from the database now. */
  async readRecordedSpend(): Promise<RecordedSpend> {
    const now = this.options.clock.now();
    const usd = await repo.recordedSpendByProject(this.options.db, monthStart(now));
    const byProject = new Map<string, number>();
    let total = 0;
    for (const [project, amount] of usd) {
      const micros = Math.round(amount * MICROS_PER_USD);
      byProject.set(project, micros);
      total += micros;
    }
    return { month: monthKey(now), byProject, total };
  }

  private get current(): Snapshot {
    if (!this.snapshot) throw new Error('policies are not loaded: call start() first');
    return this.snapshot;
  }


  /** Whether the project may use the model (no policy: every model). */
  modelAllowed(projectId: string, model: string): boolean {
    const policy = this.current.models.get(projectId);
    if (!policy) return true;
    return policy.mode === 'allow_list' ? policy.ids.has(model) : !policy.ids.has(model);
  }

  /** Whether the project may use the hosted tool (no policy: every tool). */
  toolAllowed(projectId: string, tool: HostedTool): boolean {
    return this.current.tools.get(projectId)?.[tool] ?? true;
  }

  /** The project's effective data retention (its own, or the organization's for `organization_default`). */
  retentionOf(projectId: string): string {
    const s = this.current;
    return effectiveRetention(s.retention.get(projectId), s.organizationId === null ? undefined : s.retention.get(s.organizationId));
  }

  /** Zero data retention (plain or enhanced): forward `store: false`, keep no response IDs or payloads. */
  zeroDataRetention(projectId: string): boolean {
    return isZeroRetention(this.retentionOf(projectId));
  }

  /** @internal The snapshot's limits and recorded spend, for the spend guard. */
  spendState(): { limits: Map<string, number>; organizationId: string | null; recorded: RecordedSpend } {
    return { limits: this.current.spendLimits, organizationId: this.current.organizationId, recorded: this.recorded };
  }
}

/**
 * Hard spend limits (cents, UTC calendar month). Spend is what the database has recorded this
 * month (gateway traffic and ingested usage alike), never less than what the counter has settled,
 * plus the reservations of requests in flight.
 */
export class SpendGuard {
  constructor(
    private readonly policies: Policies,
    private readonly options: PoliciesOptions,
  ) {}

  private floors(recorded: RecordedSpend, month: string, scopeId: string, organizationId: string | null): number {
    if (recorded.month !== month) return 0;
    return scopeId === organizationId ? recorded.total : (recorded.byProject.get(scopeId) ?? 0);
  }

  /** Whether a hard spend limit applies to the project's requests (its own or the organization's). */
  limited(projectId: string): boolean {
    const { limits, organizationId } = this.policies.spendState();
    return limits.has(projectId) || (organizationId !== null && limits.has(organizationId));
  }

  /** Month-to-date spend of a scope in cents, read from the database now (for the admin API). */
  async monthToDateCents(scope: PolicyScopeRef): Promise<number> {
    const recorded = await this.policies.readRecordedSpend();
    const floor = scope.kind === 'organization' ? recorded.total : (recorded.byProject.get(scope.id) ?? 0);
    const micros = await this.options.counter.spent(recorded.month, scope.id, floor, this.options.clock.nowMs());
    return micros / MICROS_PER_CENT;
  }

  /**
   * Admission: reserves `maxCostUsd` (the request's largest possible cost) against the project's
   * and the organization's limits, all or nothing. Refused when it would take either past its limit.
   */
  async admit(projectId: string, maxCostUsd: number): Promise<SpendAdmission> {
    const { limits, organizationId, recorded } = this.policies.spendState();
    const projectLimit = limits.get(projectId);
    const orgLimit = organizationId === null ? undefined : limits.get(organizationId);
    if (projectLimit === undefined && orgLimit === undefined) return { ok: true, reservation: null };
    const nowMs = this.options.clock.nowMs();
    const month = monthKey(Math.floor(nowMs / 1000));
    const scopes = [];
    if (projectLimit !== undefined) scopes.push({ scopeId: projectId, limit: projectLimit * MICROS_PER_CENT, floor: this.floors(recorded, month, projectId, organizationId) });
    if (orgLimit !== undefined && organizationId !== null) scopes.push({ scopeId: organizationId, limit: orgLimit * MICROS_PER_CENT, floor: this.floors(recorded, month, organizationId, organizationId) });
    const id = randomUUID();
    const amount = Math.ceil(Math.max(0, maxCostUsd) * MICROS_PER_USD);
    const result = await this.options.counter.reserve(id, month, scopes, amount, nowMs + (this.options.reservationTtlMs ?? 600_000), nowMs);
    if (!result.ok) return { ok: false, scope: result.scopeId === organizationId ? 'organization' : 'project', scopeId: result.scopeId };
    return { ok: true, reservation: { id, month, scopeIds: scopes.map((s) => s.scopeId) } };
  }

  /** Swaps a reservation for the request's real cost (0 for a failed request). */
  async settle(reservation: SpendReservation | null, actualCostUsd: number): Promise<void> {
    if (!reservation) return;
    await this.options.counter.settle(reservation.id, reservation.month, reservation.scopeIds, Math.round(Math.max(0, actualCostUsd) * MICROS_PER_USD));
  }
}
