import { CliError, openCore } from './common.js';
import { demoRecords, type DemoShape, seedDemoOrganization } from './demo.js';

/**
 * Fills the database with realistic demo usage: projects, users and keys, and records over the past
 * days with daily and hourly rhythms, through the ingestion service. Refuses a database that
 * already holds usage (demo records would mix with real ones) unless `force`.
 */
export async function demoUsage(shape: DemoShape, force: boolean): Promise<void> {
  const { core, close } = await openCore();
  try {
    const held = await core.db.selectFrom('usage_records').select('id').limit(1).executeTakeFirst();
    if (held && !force) {
      throw new CliError('the database (DATABASE_URL) already holds usage records; demo usage would mix with them. Use --force to add it anyway.');
    }
    const org = await seedDemoOrganization(core, shape);
    process.stderr.write(`created ${org.projectIds.length} projects, ${shape.users} users, ${org.keys.length} API keys\n`);
    const { ingestion } = core.usage;
    const started = Date.now();
    let done = 0;
    for (const batch of demoRecords(org, shape, core.clock.now(), 10_000)) {
      done += (await ingestion.record(batch)).accepted;
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`\r${done} records ingested (${Math.round((done / shape.records) * 100)}%), ${Math.round(done / Math.max(seconds, 0.001))} records/s`);
    }
    process.stderr.write('\n');
  } finally {
    await close();
  }
}
