import type { AppContext } from '../context.js';
import type { Mailer } from '../../platform/mail.js';
import * as outbox from './alerts-repository.js';
import type { Policies } from './index.js';
import { monthKey } from './month.js';
import { findOrganizationId, type SpendAlertRow } from './repository.js';

/** Micro-dollars (the recorded spend's unit) per cent (the thresholds' unit). */
const MICROS_PER_CENT = 10_000;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** Where the alert service writes: pino's logger (the server's) fits. */
export interface AlertLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface SpendAlertsOptions {
  /** How often spend is checked against the alerts and due emails are sent, in ms (default 1000). */
  intervalMs?: number;
  /** Wait before the first retry of a failed email, in seconds (default 30); doubled after each failure. */
  retrySeconds?: number;
  /** Longest wait between retries, in seconds (default 3600). */
  maxRetrySeconds?: number;
  /** How long a replica holds an email it is sending, in seconds (default 300); if it dies meanwhile, another sends it after that. */
  leaseSeconds?: number;
}

export interface SpendAlertsDeps {
  ctx: AppContext;
  /** Reads the month's recorded spend (the spend limits' source too). */
  policies: Policies;
  /** SMTP; null: each alert is written to the log instead. */
  mailer: Mailer | null;
  log: AlertLog;
}

/** What one email says: subject and text, from the alert and the spend that crossed its threshold. */
export function alertMail(a: { alertId: string; scope: 'organization' | 'project'; scopeId: string; scopeName: string | undefined; thresholdCents: number; spendCents: number; month: string; subjectPrefix: string | null }) {
  const who = `${a.scope}${a.scopeName === undefined ? '' : ` "${a.scopeName}"`}`;
  const spend = usd.format(a.spendCents / 100);
  const threshold = usd.format(a.thresholdCents / 100);
  const text = `Spend alert: ${who} has spent ${spend} in ${a.month} (alert threshold ${threshold})`;
  // One line whatever the prefix holds.
  const subject = (a.subjectPrefix ? `${a.subjectPrefix} ${text}` : text).replace(/[\r\n]+/g, ' ');
  const body = [
    `The spend of ${who} (${a.scopeId}) has reached the threshold of one of its spend alerts.`,
    '',
    `Spend this month (${a.month}, UTC): ${spend}`,
    `Alert threshold: ${threshold}`,
    `Alert: ${a.alertId}`,
    '',
    'Spend is the cost orgplane has recorded this month: gateway traffic and ingested usage, priced by its model catalog.',
    'Each alert sends one email a month.',
    '',
  ].join('\n');
  return { subject, body };
}

/**
 * Spend-alert emails. Every `intervalMs` each replica (1) compares the month's recorded spend with
 * the alerts that have not fired this month and inserts an outbox row for each one crossed — at
 * most one per alert and month (the row's unique key), however many replicas see it — and (2)
 * sends the rows due: each is claimed by one replica (an atomic UPDATE setting a lease), sent
 * through SMTP to all the alert's recipients, and marked sent; a failure is retried with
 * exponential back-off (attempts and next attempt kept in the row, so a restart resumes). Without
 * SMTP the alert is written to the log and marked logged.
 */
export class SpendAlerts {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private closed = false;
  /** The last round's failure, logged once until a round succeeds. */
  private lastFailure = '';

  constructor(
    private readonly deps: SpendAlertsDeps,
    private readonly options: SpendAlertsOptions = {},
  ) {}

  start(): void {
    if (this.closed || this.timer) return;
    const schedule = () => {
      this.timer = setTimeout(() => {
        this.round = this.runOnce().finally(() => {
          this.round = null;
          if (!this.closed) schedule();
        });
      }, this.options.intervalMs ?? 1000);
      this.timer.unref();
    };
    schedule();
  }

  /** Stops: the round under way (an email being sent) finishes first. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    this.deps.mailer?.close();
  }

  /** One round: record the alerts crossed this month, then send what is due. A failure is logged; the next round retries. */
  async runOnce(): Promise<void> {
    try {
      await this.fire();
      await this.deliver();
      this.lastFailure = '';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastFailure) this.deps.log.warn({ err: message }, 'spend alerts: round failed; retrying');
      this.lastFailure = message;
    }
  }

  private async fire(): Promise<void> {
    const { ctx, policies } = this.deps;
    const month = monthKey(ctx.clock.now());
    const waiting = await outbox.alertsNotFired(ctx.db, month);
    if (waiting.length === 0) return;
    const recorded = await policies.readRecordedSpend();
    if (recorded.month !== month) return;
    const organizationId = await findOrganizationId(ctx.db);
    const spendCents = (a: SpendAlertRow) => (a.scope_id === organizationId ? recorded.total : (recorded.byProject.get(a.scope_id) ?? 0)) / MICROS_PER_CENT;
    const crossed = waiting.filter((a) => spendCents(a) >= Number(a.threshold_amount));
    if (crossed.length === 0) return;
    const names = await outbox.scopeNames(ctx.db, crossed.filter((a) => a.scope_id !== organizationId).map((a) => a.scope_id));
    const now = ctx.clock.now();
    for (const a of crossed) {
      const { subject, body } = alertMail({
        alertId: a.id,
        scope: a.scope_id === organizationId ? 'organization' : 'project',
        scopeId: a.scope_id,
        scopeName: names.get(a.scope_id),
        thresholdCents: Number(a.threshold_amount),
        spendCents: spendCents(a),
        month,
        subjectPrefix: a.subject_prefix,
      });
      const row = { alert_id: a.id, month, recipients: a.recipients, subject, body, status: 'pending' as const, attempts: 0, next_attempt_at: now, created_at: now, sent_at: null, last_error: null, locked_until: null };
      await ctx.database.transaction((tx) => outbox.insertIfAbsent(tx, row));
    }
  }

  private async deliver(): Promise<void> {
    const { ctx } = this.deps;
    const due = await outbox.dueRows(ctx.db, ctx.clock.now(), 20);
    for (const row of due) {
      if (this.closed) return;
      if (!row.alive) {
        await ctx.database.transaction((tx) => outbox.dropPending(tx, row.seq));
        continue;
      }
      const now = ctx.clock.now();
      const claimed = await ctx.database.transaction((tx) => outbox.claim(tx, row.seq, now, now + (this.options.leaseSeconds ?? 300)));
      if (claimed) await this.send(row, row.attempts + 1);
    }
  }

  /** Sends a claimed row (its `attempt`-th attempt), and records the outcome. */
  private async send(row: outbox.OutboxRow, attempt: number): Promise<void> {
    const { ctx, mailer, log } = this.deps;
    const recipients = JSON.parse(row.recipients) as string[];
    const about = { alert_id: row.alert_id, month: row.month, attempt };
    if (!mailer) {
      log.warn({ ...about, recipients, subject: row.subject }, 'spend alert (no SMTP configured: logged, not emailed)');
      await ctx.database.transaction((tx) => outbox.markDone(tx, row.seq, 'logged', ctx.clock.now()));
      ctx.metrics.spendAlertEmails.inc({ outcome: 'logged' });
      return;
    }
    try {
      await mailer.send({ to: recipients, subject: row.subject, text: row.body, messageId: `<spend-alert.${row.alert_id}.${row.month}@orgplane>` });
    } catch (err) {
      const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const wait = Math.min(this.options.maxRetrySeconds ?? 3600, (this.options.retrySeconds ?? 30) * 2 ** (attempt - 1));
      const next = ctx.clock.now() + wait;
      await ctx.database.transaction((tx) => outbox.markFailed(tx, row.seq, next, error));
      ctx.metrics.spendAlertEmails.inc({ outcome: 'failed' });
      log.warn({ ...about, error, next_attempt_at: next }, 'spend alert email failed; will retry');
      return;
    }
    // Accepted by the SMTP server. A crash before this write commits sends it again once the lease expires (docs/policies.md).
    await ctx.database.transaction((tx) => outbox.markDone(tx, row.seq, 'sent', ctx.clock.now()));
    ctx.metrics.spendAlertEmails.inc({ outcome: 'sent' });
    log.info({ ...about, recipients: recipients.length }, 'spend alert email sent');
  }
}
