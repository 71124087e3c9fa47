// Fills the database with realistic demo usage: projects, users and keys, and records over the
// past days with daily and hourly rhythms, through the ingestion service.
// Usage: tsx src/cli/demo-usage.ts [--days 30] [--records 200000] [--projects 5] [--users 12] [--keys 20] [--seed 1]
import { demoRecords, seedDemoOrganization, type DemoShape } from './demo.js';
import { UsageIngestion } from '../core/usage/ingestion.js';
import { intOption, openContext, run } from './common.js';

run(async () => {
  const args = process.argv.slice(2);
  const shape: DemoShape = {
    days: intOption(args, 'days', 30),
    records: intOption(args, 'records', 200_000),
    projects: intOption(args, 'projects', 5),
    users: intOption(args, 'users', 12),
    keys: intOption(args, 'keys', 20),
    seed: intOption(args, 'seed', Math.floor(Date.now() / 1000)),
  };
  const { ctx, close } = await openContext();
  try {
    const org = await seedDemoOrganization(ctx, shape);
    process.stderr.write(`created ${org.projectIds.length} projects, ${shape.users} users, ${org.keys.length} API keys\n`);
    const ingestion = new UsageIngestion(ctx);
    const started = Date.now();
    let done = 0;
    for (const batch of demoRecords(org, shape, ctx.clock.now(), 10_000)) {
      done += (await ingestion.ingest(batch)).accepted;
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`\r${done} records ingested (${Math.round((done / shape.records) * 100)}%), ${Math.round(done / Math.max(seconds, 0.001))} records/s`);
    }
    process.stderr.write('\n');
  } finally {
    await close();
  }
});
