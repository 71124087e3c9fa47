// A throw-away orgplane with a demo organization (SQLite in a temporary folder), for the console's
// screenshots and benchmark: the same demo data `npm run usage:demo` makes, on the system clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/admin/app.js';
import { demoRecords, seedDemoOrganization, type DemoShape } from '../src/cli/demo.js';
import { bootstrapOrganization } from '../src/core/bootstrap/service.js';
import { loadCatalog } from '../src/core/catalog/index.js';
import { UsageIngestion } from '../src/core/usage/ingestion.js';
import { systemClock } from '../src/platform/clock.js';
import { contextOf } from '../src/platform/context.js';
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
  const ctx = contextOf(database, systemClock, await loadCatalog());
  await bootstrapOrganization(ctx, { adminKey: ADMIN_KEY });
  const org = await seedDemoOrganization(ctx, shape);
  const ingestion = new UsageIngestion(ctx);
  for (const batch of demoRecords(org, shape, systemClock.now(), 10_000)) await ingestion.ingest(batch);
  const app = await buildApp({ ctx });
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
