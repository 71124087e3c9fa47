import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { BackupUnsupported, backupDatabase } from '../platform/db/backup.js';
import { CliError } from './common.js';

/**
 * Writes a consistent copy of the database file to `destination` while the server runs (the
 * embedded database's online backup: the copy is one committed state); a database server is
 * backed up with its own tool, which the error names.
 */
export async function backup(destination: string, options: { force: boolean }): Promise<void> {
  const { databaseUrl } = loadConfig();
  if (existsSync(destination) && !options.force) throw new CliError(`${destination} exists; choose another file or use --force to overwrite it`);
  const started = Date.now();
  try {
    const { pages } = await backupDatabase(databaseUrl, resolve(destination), (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\rcopied ${done} of ${total} pages`);
    });
    process.stderr.write(`\nbackup written to ${destination} (${pages} pages, ${Date.now() - started} ms), integrity checked\n`);
  } catch (err) {
    if (err instanceof BackupUnsupported) throw new CliError(err.message);
    throw err;
  }
}
