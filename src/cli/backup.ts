import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { backupSqlite } from '../platform/db/backup.js';
import { CliError } from './common.js';

/**
 * Writes a consistent copy of the SQLite database to `destination` while the server runs (SQLite's
 * online backup API: pages are copied in steps; writes made meanwhile restart or join the copy, so
 * the result is one committed state). PostgreSQL databases are backed up with pg_dump.
 */
export async function backup(destination: string, options: { force: boolean }): Promise<void> {
  const { databaseUrl } = loadConfig();
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new CliError('DATABASE_URL is a PostgreSQL database: back it up with pg_dump, e.g. pg_dump --format=custom --file=orgplane.dump "$DATABASE_URL" (restore with pg_restore).');
  }
  if (existsSync(destination) && !options.force) throw new CliError(`${destination} exists; choose another file or use --force to overwrite it`);
  const started = Date.now();
  const { pages } = await backupSqlite(databaseUrl, resolve(destination), (done, total) => {
    if (process.stderr.isTTY) process.stderr.write(`\rcopied ${done} of ${total} pages`);
  });
  process.stderr.write(`\nbackup written to ${destination} (${pages} pages, ${Date.now() - started} ms), integrity checked\n`);
}
