import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * The SQLite connection as Kysely sees it, with two caches in front of better-sqlite3:
 *
 * - Prepared statements. Kysely prepares every query anew, and preparing costs more than running
 *   a small indexed query. Recently used statements are kept (LRU).
 * - Results of SELECT statements, keyed by SQL and parameters. Exact, not time-based: an entry is
 *   valid only while the database is unchanged. Every statement of this connection that is not a
 *   SELECT (writes, BEGIN / COMMIT / ROLLBACK) starts a new generation, and `PRAGMA data_version`
 *   reveals commits by other connections (another process importing usage, say). Cached rows are
 *   frozen, and each hit returns a fresh array, so no caller can alter a cached answer. Large
 *   results are not kept.
 */
export function cachingConnection(sqlite: SQLite.Database, opts: { statements?: number; results?: number; maxRows?: number } = {}): SqliteDatabase {
  const maxStatements = opts.statements ?? 500;
  const maxResults = opts.results ?? 2000;
  const maxRows = opts.maxRows ?? 200;
  const statements = new Map<string, SqliteStatement>();
  const results = new Map<string, { generation: number; dataVersion: number; rows: unknown[] }>();
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let generation = 0;

  function wrap(query: string, stmt: SQLite.Statement): SqliteStatement {
    if (!/^\s*select\b/i.test(query)) {
      // A write (or transaction control, or a statement with RETURNING): the database changes.
      return {
        reader: stmt.reader,
        all: (params) => {
          generation++;
          return stmt.all(...params);
        },
        run: (params) => {
          generation++;
          return stmt.run(...params);
        },
        iterate: (params) => {
          generation++;
          return stmt.iterate(...params);
        },
      };
    }
    return {
      reader: true,
      all(params) {
        const key = params.length ? `${query}\u0000${JSON.stringify(params)}` : query;
        const version = dataVersion.get() as number;
        const hit = results.get(key);
        if (hit && hit.generation === generation && hit.dataVersion === version) {
          results.delete(key);
          results.set(key, hit);
          return hit.rows.slice();
        }
        const rows = stmt.all(...params);
        if (rows.length <= maxRows) {
          for (const row of rows) Object.freeze(row);
          if (!hit && results.size >= maxResults) results.delete(results.keys().next().value!);
          results.set(key, { generation, dataVersion: version, rows });
          return rows.slice();
        }
        return rows;
      },
      run: (params) => stmt.run(...params),
      iterate: (params) => stmt.iterate(...params),
    };
  }

  return {
    close: () => sqlite.close(),
    prepare(query: string) {
      let stmt = statements.get(query);
      if (stmt) {
        statements.delete(query);
      } else {
        stmt = wrap(query, sqlite.prepare(query));
        if (statements.size >= maxStatements) statements.delete(statements.keys().next().value!);
      }
      statements.set(query, stmt);
      return stmt;
    },
  };
}
