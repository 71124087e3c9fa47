#!/usr/bin/env node
// The `orgplane` command. Each subcommand loads its code only when it runs, so `--help` is instant.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { action, positiveInt } from './common.js';

const program = new Command('orgplane')
  .description('Self-hosted OpenAI Administration API server and its tools. Configuration comes from environment variables (see the README); DATABASE_URL chooses the database every command works on.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  // Misuse (unknown option, missing argument) exits 2; --help and --version exit 0.
  .exitOverride((err: CommanderError) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

/** commander argParser that reports a bad value through commander (exit 2, naming the option). */
const int = (name: string, min = 1) => (raw: string) => {
  try {
    return positiveInt(name, min)(raw);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

program
  .command('serve')
  .description('Serve the Administration API (and the gateway, when upstreams are configured) until SIGTERM.')
  .option('--print-config', 'print the effective configuration (secrets redacted) and exit')
  .action(action(async (opts: { printConfig?: boolean }) => {
    if (opts.printConfig) {
      // Checked as a start checks it (every variable, the routes and catalog files), then shown.
      await (await import('../main.js')).loadStartup();
      const { describeConfig } = await import('../config.js');
      process.stdout.write(`${JSON.stringify(describeConfig(), null, 2)}\n`);
      return;
    }
    (await import('../main.js')).serveFromEnvironment();
  }));

program
  .command('migrate')
  .description('Apply the database schema migrations this version has (the server also does it at start).')
  .action(action(async () => {
    const { loadConfig } = await import('../config.js');
    const { openDatabase } = await import('../platform/db/database.js');
    const { migrateToLatest } = await import('../platform/db/migrate.js');
    const database = await openDatabase(loadConfig().databaseUrl);
    try {
      const ran = await migrateToLatest(database);
      process.stdout.write(ran.length ? `applied ${ran.length} migrations: ${ran.join(', ')}\n` : 'the database is up to date\n');
    } finally {
      await database.close();
    }
  }));

const adminKey = program.command('admin-key').description('Admin API keys, from the command line (recovery).');
adminKey
  .command('create')
  .description('Create an admin API key owned by an organization owner and print it once on stdout (audited as api_key.created). For recovery when no admin key is left.')
  .option('--name <name>', 'name of the key', 'Recovery admin key')
  .option('--owner <email>', 'email of the owner who will own the key (default: the earliest owner)')
  .action(action(async (opts: { name: string; owner?: string }) => (await import('./admin-key.js')).createAdminKey(opts)));

const usage = program.command('usage').description('Usage records: import, demo data, re-pricing.');
usage
  .command('import')
  .description('Import usage records from a JSONL file (one record per line, as POST /v1/organization/usage/records takes them; "-" reads stdin). Records already stored count as duplicates, so a failed import can simply be run again, or resumed with --from-line.')
  .argument('<file>', 'JSONL file, or - for stdin')
  .addOption(new Option('--batch <n>', 'records per batch (each batch is stored atomically)').default(5000).argParser(int('--batch')))
  .addOption(new Option('--from-line <n>', 'skip the lines before this one (resume where a failed import stopped)').default(1).argParser(int('--from-line')))
  .action(action(async (file: string, opts: { batch: number; fromLine: number }) => (await import('./usage-import.js')).importUsage(file, opts)));

usage
  .command('demo')
  .description('Fill the database with demo projects, users, keys and usage over the past days. Refuses a database that already holds usage unless --force.')
  .addOption(new Option('--days <n>', 'days of usage, ending now').default(30).argParser(int('--days')))
  .addOption(new Option('--records <n>', 'usage records').default(200_000).argParser(int('--records')))
  .addOption(new Option('--projects <n>', 'projects to create').default(5).argParser(int('--projects')))
  .addOption(new Option('--users <n>', 'users to create').default(12).argParser(int('--users')))
  .addOption(new Option('--keys <n>', 'API keys to create').default(20).argParser(int('--keys')))
  .addOption(new Option('--seed <n>', 'random seed (default: the current time)').argParser(int('--seed', 0)))
  .option('--force', 'add demo usage even if the database already holds usage')
  .action(action(async (opts: { days: number; records: number; projects: number; users: number; keys: number; seed?: number; force?: boolean }) => {
    const { force, seed, ...shape } = opts;
    await (await import('./usage-demo.js')).demoUsage({ ...shape, seed: seed ?? Math.floor(Date.now() / 1000) }, force === true);
  }));

usage
  .command('reprice')
  .description('Re-price the usage recorded since a day with the current model catalog (ORGPLANE_MODEL_CATALOG and the built-in one), e.g. after adding a model the catalog did not know (its usage was stored at $0). Prints what changed; audited as organization.updated; running it again changes nothing. Use the catalog the server runs with, and restart the server after changing it.')
  .requiredOption('--since <date>', 'first day to re-price, YYYY-MM-DD (UTC); every day from it on', (raw: string) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
    const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
    if (!match || new Date(ms).toISOString().slice(0, 10) !== raw) throw new InvalidArgumentError(`--since must be a day as YYYY-MM-DD (UTC), got "${raw}"`);
    return ms / 1000;
  })
  .option('--dry-run', 'show what would change, write nothing')
  .action(action(async (opts: { since: number; dryRun?: boolean }) => (await import('./usage-reprice.js')).repriceUsage(opts.since, { dryRun: opts.dryRun === true })));

program
  .command('backup')
  .description('Write a consistent copy of the database file while the server runs (online backup of the embedded database; a database server is backed up with pg_dump).')
  .argument('<file>', 'where to write the copy')
  .option('--force', 'overwrite the file if it exists')
  .action(action(async (file: string, opts: { force?: boolean }) => (await import('./backup.js')).backup(file, { force: opts.force === true })));

program
  .command('mock-upstream')
  .description('Run the deterministic OpenAI-compatible mock provider (for demos, tests and benchmarks).')
  .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').default(9090).argParser(int('--port', 0)))
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .addOption(new Option('--latency-ms <n>', 'delay before the first byte of every answer').default(0).argParser(int('--latency-ms', 0)))
  .addOption(new Option('--failure-rate <x>', 'fraction of requests answered 500, between 0 and 1').default(0).argParser((raw: string) => {
    const x = Number(raw);
    if (raw.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError(`--failure-rate must be between 0 and 1, got "${raw}"`);
    return x;
  }))
  .addOption(new Option('--seed <n>', 'seed of the failure draws').default(1).argParser(int('--seed', 0)))
  .option('--api-key <key>', 'answer 401 to requests without "Authorization: Bearer KEY" (default: accept any)')
  .action(action(async (opts: { port: number; host: string; latencyMs: number; failureRate: number; seed: number; apiKey?: string }) => {
    const { startMockUpstream } = await import('../mock-upstream/server.js');
    const mock = await startMockUpstream({ ...opts, recordRequests: false });
    process.stdout.write(`mock upstream listening on ${mock.url}\n`);
    const stop = () => void mock.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }));

await program.parseAsync(process.argv);
