import { rmSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { sqlitePath } from './database.js';

/** Thrown for a database the backup command cannot copy (a PostgreSQL server: pg_dump does it). */
export class BackupUnsupported extends Error {}

/**
 * Copies the SQLite database at `url` to `destination` with SQLite's online backup API (through
 * better-sqlite3) while other connections read and write it; then checks the copy's integrity.
 */
export async function backupDatabase(url: string, destination: string, progress?: (done: number, total: number) => void): Promise<{ pages: number }> {
  if (!url.startsWith('sqlite:')) {
    throw new BackupUnsupported('DATABASE_URL is a PostgreSQL database: back it up with pg_dump, e.g. pg_dump --format=custom --file=orgplane.dump "$DATABASE_URL" (restore with pg_restore).');
  }
  const source = new SQLite(sqlitePath(url), { fileMustExist: true, readonly: true });
  try {
    source.pragma('busy_timeout = 5000');
    let pages = 0;
    await source.backup(destination, {
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        progress?.(totalPages - remainingPages, totalPages);
        return 1000;
      },
    });
    const copy = new SQLite(destination, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    return { pages };
  } catch (err) {
    rmSync(destination, { force: true });
    throw err;
  } finally {
    source.close();
  }
}
