import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { compose, type ComposeOptions } from '../../src/compose.js';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { createProject } from '../helpers/fixtures.js';
import { DIALECTS, PG_URL, TestServer } from '../helpers/harness.js';
import { eventually, projectWithKey, routesFrom, sdk } from '../gateway/helpers.js';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';

const USER = 'mailer';
const PASSWORD = 'smtp-pass-1';
const FROM = 'orgplane alerts <alerts@example.com>';

interface Received {
  from: string;
  to: string[];
  /** Headers unfolded. */
  headers: string;
  subject: string;
  body: string;
}

/** `=XX` escapes as bytes (each a latin1 character). */
const unescapeHex = (text: string) => text.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function decodeQuotedPrintable(text: string): string {
  return Buffer.from(unescapeHex(text.replace(/=\r\n/g, '')), 'latin1').toString('utf8');
}

/** A header value as a mail client shows it: RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) decoded. */
function decodeHeader(value: string): string {
  const bytes = value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : unescapeHex(text.replace(/_/g, ' ')));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A real SMTP server (smtp-server) on a free port, requiring a login; `down` makes it refuse every connection (421). */
class SmtpSink {
  readonly received: Received[] = [];
  down = false;
  private readonly server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onConnect: (_session, callback) => {
      if (!this.down) return callback();
      callback(Object.assign(new Error('Service not available (test: SMTP down)'), { responseCode: 421 }));
    },
    onAuth: (auth, _session, callback) => {
      if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
      callback(new Error('Invalid username or password'));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.indexOf('\r\n\r\n');
        const headers = raw.slice(0, split).replace(/\r\n(?=[ \t])/g, '');
        this.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address).sort(),
          headers,
          subject: decodeHeader(/^Subject: (.*)$/m.exec(headers)?.[1] ?? ''),
          body: /^Content-Transfer-Encoding: quoted-printable$/im.test(headers) ? decodeQuotedPrintable(raw.slice(split + 4)) : raw.slice(split + 4),
        });
        callback();
      });
    },
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `smtp://${USER}:${PASSWORD}@127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  to(address: string): Received[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An orgplane instance (a replica, or the server after a restart) on the test server's database, running the alert service. */
async function instance(s: TestServer, alerts: ComposeOptions['alerts'], logger?: ComposeOptions['logger']) {
  const database = s.dialect === 'sqlite' ? await openDatabase(s.databaseUrl) : await openDatabase(PG_URL, { pgSchema: s.database.schema });
  const { admin } = await compose({ database, clock: s.clock, catalog: s.ctx.catalog, alerts: { intervalMs: 40, ...alerts }, logger, console: false, onClose: () => database.close() });
  await admin.ready();
  let closed = false;
  return {
    close: async () => {
      if (closed) return;
      closed = true;
      await admin.close();
    },
  };
}

/** The test clock's month, `YYYY-MM`. */
const monthOf = (s: TestServer) => new Date(s.clock.nowMs()).toISOString().slice(0, 7);

const alertBody = (threshold: number, recipients: string[], subject_prefix: string | null) => ({
  threshold_amount: threshold,
  currency: 'USD',
  interval: 'month',
  notification_channel: { type: 'email', recipients, subject_prefix },
});

/** Records `inputTokens` of gpt-4o ($2.50 per million input tokens: 1,000,000 tokens = 250 cents) in the project, at the clock's now. */
async function spend(s: TestServer, projectId: string, id: string, inputTokens: number): Promise<void> {
  const res = await s.post('/v1/organization/usage/records', {
    records: [{ kind: 'completions', id, timestamp: s.clock.now(), project_id: projectId, model: 'gpt-4o', input_tokens: inputTokens, output_tokens: 0 }],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function createAlert(s: TestServer, path: string, body: unknown): Promise<string> {
  const res = await s.post(path, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.id;
}

function outboxRows(s: TestServer, alertId: string) {
  return s.ctx.db.selectFrom('spend_alert_outbox').selectAll().where('alert_id', '=', alertId).orderBy('month').execute();
}

/** Lets the alert service run several rounds (40 ms apart). */
const rounds = () => sleep(400);

for (const dialect of DIALECTS) {
  describe(`spend-alert emails [${dialect}]`, () => {
    const s = new TestServer(dialect);
    before(async () => {
      await s.start();
    });
    after(async () => {
      await s.stop();
    });

    it('two replicas: crossing a threshold sends one email to the recipients, once a month', async () => {
      const sink = await new SmtpSink().start();
      const replicas = [await instance(s, { smtp: { url: sink.url, from: FROM } }), await instance(s, { smtp: { url: sink.url, from: FROM } })];
      try {
        const project = await createProject(s, 'Alpha');
        const other = await createProject(s, 'Beta');
        const orgAlert = await createAlert(s, '/v1/organization/spend_alerts', alertBody(400, ['cfo@example.com', 'finance@example.com'], '[Acme]'));
        const projectAlert = await createAlert(s, `/v1/organization/projects/${project}/spend_alerts`, alertBody(200, ['alpha-lead@example.com'], null));
        const highAlert = await createAlert(s, `/v1/organization/projects/${project}/spend_alerts`, alertBody(100_000, ['never@example.com'], null));
        const otherAlert = await createAlert(s, `/v1/organization/projects/${other}/spend_alerts`, alertBody(1, ['beta@example.com'], null));

        // 125 cents: under every threshold of Alpha and the organization.
        await spend(s, project, 'a-1', 500_000);
        await rounds();
        assert.equal(sink.received.length, 0);

        // 250 cents in Alpha: its 200-cent alert fires; the organization (250 of 400) does not; Beta spent nothing.
        await spend(s, project, 'a-2', 500_000);
        const [mail] = await eventually(async () => (sink.to('alpha-lead@example.com').length > 0 ? sink.to('alpha-lead@example.com') : undefined), 5000, 'the project alert email');
        assert.deepEqual(mail.to, ['alpha-lead@example.com']);
        assert.equal(mail.from, 'alerts@example.com');
        assert.match(mail.headers, /^From: orgplane alerts <alerts@example\.com>$/m);
        assert.equal(mail.subject, 'Spend alert: project "Alpha" has spent $2.50 in 2026-01 (alert threshold $2.00)');
        assert.match(mail.body, new RegExp(`\\(${project}\\)`));
        assert.match(mail.body, /Spend this month \(2026-01, UTC\): \$2\.50/);
        assert.match(mail.body, new RegExp(projectAlert));

        // 450 cents: the organization's alert fires, one email to both recipients, with its subject prefix.
        await spend(s, project, 'a-3', 800_000);
        const [orgMail] = await eventually(async () => (sink.to('cfo@example.com').length > 0 ? sink.to('cfo@example.com') : undefined), 5000, 'the organization alert email');
        assert.deepEqual(orgMail.to, ['cfo@example.com', 'finance@example.com']);
        assert.match(orgMail.subject, /^\[Acme\] Spend alert: organization ".*" has spent \$4\.50 in 2026-01 \(alert threshold \$4\.00\)$/);

        // More spend the same month, several rounds of both replicas: still one email per alert.
        await spend(s, project, 'a-4', 4_000_000);
        await rounds();
        assert.equal(sink.to('alpha-lead@example.com').length, 1);
        assert.equal(sink.to('cfo@example.com').length, 1);
        assert.equal(sink.received.length, 2, 'the high threshold and the idle project sent nothing');
        const [row] = await outboxRows(s, projectAlert);
        assert.equal(row.status, 'sent');
        assert.equal(Number(row.attempts), 1);
        assert.equal((await outboxRows(s, highAlert)).length, 0);
        assert.equal((await outboxRows(s, otherAlert)).length, 0);
        assert.equal((await outboxRows(s, orgAlert)).length, 1);

        // The month turns: spend starts from zero, and each alert may send again once crossed.
        s.clock.set(Date.UTC(2026, 1, 1, 0, 0, 5) / 1000);
        await rounds();
        assert.equal(sink.received.length, 2);
        await spend(s, project, 'b-1', 1_000_000);
        const feb = await eventually(async () => sink.to('alpha-lead@example.com').length === 2 && sink.to('alpha-lead@example.com'), 5000, 'the February email');
        assert.match(feb[1].subject, /has spent \$2\.50 in 2026-02/);
        await rounds();
        assert.equal(sink.received.length, 3);
        assert.deepEqual((await outboxRows(s, projectAlert)).map((r) => [r.month, r.status]), [['2026-01', 'sent'], ['2026-02', 'sent']]);
        for (const [path, id] of [['/v1/organization', orgAlert], [`/v1/organization/projects/${project}`, projectAlert], [`/v1/organization/projects/${project}`, highAlert], [`/v1/organization/projects/${other}`, otherAlert]]) {
          assert.equal((await s.delete(`${path}/spend_alerts/${id}`)).status, 200);
        }
      } finally {
        for (const r of replicas) await r.close();
        await sink.close();
      }
    });

    it('SMTP down: retried with exponential back-off; a deleted alert sends nothing; a restart while pending delivers once', async () => {
      const sink = await new SmtpSink().start();
      sink.down = true;
      const smtp = { url: sink.url, from: FROM };
      const first = await instance(s, { smtp, retrySeconds: 30 });
      let second: Awaited<ReturnType<typeof instance>> | undefined;
      try {
        const project = await createProject(s, 'Gamma');
        const alert = await createAlert(s, `/v1/organization/projects/${project}/spend_alerts`, alertBody(100, ['gamma@example.com'], 'Spend'));
        const doomed = await createAlert(s, `/v1/organization/projects/${project}/spend_alerts`, alertBody(100, ['doomed@example.com'], null));
        await spend(s, project, 'g-1', 1_000_000);

        const failed = await eventually(async () => (await outboxRows(s, alert)).find((r) => Number(r.attempts) === 1 && r.last_error !== null), 5000, 'a failed attempt');
        assert.equal(failed.status, 'pending');
        assert.match(failed.last_error!, /421|not available/);
        assert.equal(Number(failed.next_attempt_at), s.clock.now() + 30);
        await eventually(async () => (await outboxRows(s, doomed)).find((r) => Number(r.attempts) === 1 && r.locked_until === null), 5000, 'a failed attempt');
        // An alert deleted while its email is pending is never sent.
        assert.equal((await s.delete(`/v1/organization/projects/${project}/spend_alerts/${doomed}`)).status, 200);
        assert.equal((await outboxRows(s, doomed)).length, 0);
        // No retry before the back-off has passed (the test clock stands still).
        await rounds();
        assert.equal(Number((await outboxRows(s, alert))[0].attempts), 1);

        // After 30 s: the second attempt fails too; the next wait doubles.
        s.clock.advance(30);
        const again = await eventually(async () => (await outboxRows(s, alert)).find((r) => Number(r.attempts) === 2 && r.locked_until === null), 5000, 'a second attempt');
        assert.equal(Number(again.next_attempt_at), s.clock.now() + 60);
        assert.equal(sink.to('gamma@example.com').length, 0);

        // Stop the server with the email pending; SMTP comes back; the server starts again over the same database.
        await first.close();
        sink.down = false;
        s.clock.advance(60);
        second = await instance(s, { smtp });
        await eventually(async () => sink.to('gamma@example.com').length > 0, 5000, 'the delivery after the restart');
        await rounds();
        const delivered = sink.to('gamma@example.com');
        assert.equal(delivered.length, 1, 'delivered exactly once');
        assert.deepEqual(delivered[0].to, ['gamma@example.com']);
        assert.equal(delivered[0].subject, `Spend Spend alert: project "Gamma" has spent $2.50 in ${monthOf(s)} (alert threshold $1.00)`);
        assert.equal(sink.to('doomed@example.com').length, 0);
        const [row] = await outboxRows(s, alert);
        assert.equal(row.status, 'sent');
        assert.equal(Number(row.attempts), 3);
        assert.equal(row.locked_until, null);
      } finally {
        await first.close();
        await second?.close();
        await sink.close();
      }
    });

    it('without SMTP the alert is logged (no secrets) and marked logged', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _enc, done) {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      });
      const logged = await instance(s, undefined, { level: 'info', stream });
      try {
        const project = await createProject(s, 'Delta');
        const alert = await createAlert(s, `/v1/organization/projects/${project}/spend_alerts`, alertBody(50, ['delta@example.com'], 'Heads-up'));
        await spend(s, project, 'd-1', 400_000);
        const line = await eventually(async () => lines.map((l) => JSON.parse(l)).find((l) => l.alert_id === alert), 5000, 'the log line');
        assert.equal(line.level, 40);
        assert.match(line.msg, /no SMTP configured/);
        assert.deepEqual(line.recipients, ['delta@example.com']);
        assert.equal(line.subject, `Heads-up Spend alert: project "Delta" has spent $1.00 in ${monthOf(s)} (alert threshold $0.50)`);
        await eventually(async () => (await outboxRows(s, alert))[0]?.status === 'logged', 5000, 'the row marked logged');
        await rounds();
        assert.equal(lines.filter((l) => JSON.parse(l).alert_id === alert).length, 1, 'logged once');
        for (const l of lines) assert.ok(!l.includes(s.adminKey));
      } finally {
        await logged.close();
      }
    });
  });
}

it('ORGPLANE_SMTP_URL / ORGPLANE_SMTP_FROM: validated, and the password never printed', () => {
  const env = { ORGPLANE_SMTP_URL: `smtp://${USER}:${PASSWORD}@mail.example.com:2525`, ORGPLANE_SMTP_FROM: FROM };
  const config = loadConfig(env);
  assert.equal(config.smtpUrl, `smtp://${USER}:${PASSWORD}@mail.example.com:2525`);
  assert.equal(config.smtpFrom, FROM);
  const printed = describeConfig(env);
  assert.ok(!JSON.stringify(printed).includes(PASSWORD));
  assert.equal(printed.ORGPLANE_SMTP_URL, `smtp://${USER}:REDACTED@mail.example.com:2525`);
  assert.equal(printed.ORGPLANE_SMTP_FROM, FROM);
  assert.throws(() => loadConfig({ ORGPLANE_SMTP_URL: 'smtp://mail.example.com' }), (e: unknown) => e instanceof ConfigError && /^ORGPLANE_SMTP_FROM: must be set/.test(e.message));
  assert.throws(() => loadConfig({ ORGPLANE_SMTP_URL: 'http://mail.example.com', ORGPLANE_SMTP_FROM: FROM }), (e: unknown) => e instanceof ConfigError && /^ORGPLANE_SMTP_URL: must be a smtp:\/\/ or smtps:\/\/ URL/.test(e.message));
  assert.equal(loadConfig({}).smtpUrl, undefined);
});

for (const dialect of DIALECTS) {
  describe(`spend-alert emails from gateway traffic [${dialect}]`, () => {
    let upstream: MockUpstream;
    let s: TestServer;
    before(async () => {
      upstream = await startMockUpstream({ port: 0 });
      s = await new TestServer(dialect, { routes: routesFrom(`upstreams:\n  mock: { base_url: "${upstream.url}" }\nmodels:\n  "*": [mock]\n`), usageFlushMs: 100 }).start();
    });
    after(async () => {
      await s.stop();
      await upstream.close();
    });

    it('requests through the gateway (official SDK) cross the threshold: one email, exactly once', async () => {
      const sink = await new SmtpSink().start();
      const replica = await instance(s, { smtp: { url: sink.url, from: FROM } });
      try {
        const p = await projectWithKey(s, 'Gateway spender');
        await createAlert(s, `/v1/organization/projects/${p.projectId}/spend_alerts`, alertBody(5, ['gw-lead@example.com'], '[GW]'));
        const client = sdk(s, p.key);
        // o1 input costs $15 per million tokens: ~5,000 tokens of input is about 7.5 cents, past the 5-cent threshold.
        const long = 'spend '.repeat(5000);
        const first = await client.chat.completions.create({ model: 'o1', messages: [{ role: 'user', content: long }] });
        assert.ok(first.usage!.prompt_tokens * 15 / 1e6 > 0.05, `the request costs more than 5 cents (${first.usage!.prompt_tokens} input tokens)`);
        const [mail] = await eventually(async () => (sink.to('gw-lead@example.com').length > 0 ? sink.to('gw-lead@example.com') : undefined), 5000, 'the alert email');
        assert.match(mail.subject, /^\[GW\] Spend alert: project "Gateway spender" has spent \$0\.\d\d in \d{4}-\d\d \(alert threshold \$0\.05\)$/);
        // More traffic the same month: no second email.
        await client.chat.completions.create({ model: 'o1', messages: [{ role: 'user', content: long }] });
        await sleep(600);
        assert.equal(sink.to('gw-lead@example.com').length, 1);
      } finally {
        await replica.close();
        await sink.close();
      }
    });
  });
}
