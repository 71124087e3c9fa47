// A throw-away orgplane with a demo organization (SQLite in a temporary folder), for the console's
// screenshots and benchmark: the same demo data `npm run usage:demo` makes, on the system clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../src/compose.js';
import { demoRecords, seedDemoOrganization, type DemoShape } from '../src/cli/demo.js';
import { bootstrapOrganization } from '../src/core/bootstrap/service.js';
import { loadCatalog } from '../src/core/catalog/index.js';
import { systemClock } from '../src/platform/clock.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';

export interface DemoServer {
  baseUrl: string;
  adminKey: string;
  stop(): Promise<void>;
}

export const ADMIN_KEY = 'sk-admin-console-demo-0123456789abcdefghijklmnopqrstuv';

export async function startDemoServer(shape: DemoShape): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'orgplane-console-'));
  const database = await openDatabase(`sqlite:${join(dir, 'demo.db')}`);
  await migrateToLatest(database);
  const { core: ctx, admin: app } = await compose({ database, clock: systemClock, catalog: await loadCatalog() });
  await bootstrapOrganization(ctx, { adminKey: ADMIN_KEY });
  const org = await seedDemoOrganization(ctx, shape);
  for (const batch of demoRecords(org, shape, systemClock.now(), 10_000)) await ctx.usage.ingestion.record(batch);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl,
    adminKey: ADMIN_KEY,
    stop: async () => {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
