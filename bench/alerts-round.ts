// Spend alerts: the cost of one round of the alert service (what each replica runs every second)
// with N alerts that have not fired, and the time from spend crossing a threshold to the email at
// a local SMTP server. Usage: tsx bench/alerts-round.ts [sqlite|postgres] [alerts]
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { compose } from '../src/compose.js';
import { bootstrapOrganization } from '../src/core/bootstrap/service.js';
import { loadCatalog } from '../src/core/catalog/index.js';
import { SpendAlerts } from '../src/core/policies/alerts.js';
import { systemClock } from '../src/platform/clock.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { newId } from '../src/platform/ids.js';
import { smtpMailer } from '../src/platform/mail.js';

const engine = process.argv[2] ?? 'sqlite';
const count = Number(process.argv[3] ?? 1000);
const tag = `bench_${randomBytes(4).toString('hex')}`;
const file = join(tmpdir(), `${tag}.db`);
const url = engine === 'sqlite' ? `sqlite:${file}` : 'postgres://postgres@127.0.0.1:5432/test';
const database = await openDatabase(url, engine === 'sqlite' ? {} : { pgSchema: tag });
await migrateToLatest(database);
const { core, admin } = await compose({ database, clock: systemClock, catalog: await loadCatalog() });
const boot = (await bootstrapOrganization(core))!;
const project = boot.defaultProjectId;
const now = systemClock.now();

let received = 0;
let receivedAt = 0;
const smtp = new SMTPServer({ disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData(stream, _s, cb) { stream.resume(); stream.on('end', () => { received++; receivedAt = performance.now(); cb(); }); } });
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

// N alerts on the default project, thresholds far above its spend; and some usage this month.
const rows = Array.from({ length: count }, (_, i) => ({
  id: newId('spendAlert'), scope_id: project, threshold_amount: 1_000_000 + i, currency: 'USD', interval: 'month',
  recipients: JSON.stringify(['finance@example.com']), subject_prefix: null, created_at: now, updated_at: now,
}));
for (let i = 0; i < rows.length; i += 500) await database.db.insertInto('spend_alerts').values(rows.slice(i, i + 500)).execute();
await core.usage.ingestion.record(Array.from({ length: 2000 }, (_, i) => ({ kind: 'completions', id: `u${i}`, timestamp: now - (i % 3600), project_id: project, model: 'gpt-4o', input_tokens: 1000, output_tokens: 100 })));

const alerts = new SpendAlerts({ ctx: core, policies: core.policies, mailer: smtpMailer({ url: smtpUrl, from: 'alerts@example.com' }), log: { info() {}, warn(o, m) { console.error(m, o); } } });
for (let i = 0; i < 5; i++) await alerts.runOnce();
const times: number[] = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  await alerts.runOnce();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`${engine}: ${count} alerts not fired, 2000 usage records: round p50 ${times[25].toFixed(2)} ms, p90 ${times[45].toFixed(2)} ms, max ${times[49].toFixed(2)} ms`);

// One alert crosses: time from the round's start to the email at the SMTP server.
await database.db.updateTable('spend_alerts').set({ threshold_amount: 1 }).where('id', '=', rows[0].id).execute();
const t = performance.now();
await alerts.runOnce();
console.log(`${engine}: crossing → accepted by the SMTP server in ${(receivedAt - t).toFixed(1)} ms (received ${received}); the service's 1 s interval comes on top`);
await alerts.close();
await admin.close();
smtp.close();
if (engine === 'sqlite') for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
else {
  const a = await openDatabase(url);
  await a.db.schema.dropSchema(tag).ifExists().cascade().execute();
  await a.close();
}
await database.close().catch(() => undefined);
